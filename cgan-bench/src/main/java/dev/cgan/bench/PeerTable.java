package dev.cgan.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cgan.internal.CpuInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The side-by-side table that {@code scripts/peers/compare.py --out FILE} writes: every peer's and
 * cgan-java's median images/s per batch and its ratio to the fastest peer, with the CPU it was
 * measured on ({@code bench --peers FILE}).
 */
public final class PeerTable {
  private PeerTable() {}

  /** The table of {@code file}, as text; says so when the file's CPU is not this one. */
  public static String render(Path file) throws IOException {
    JsonObject o;
    try {
      o = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (RuntimeException e) {
      throw new IOException("not a compare.py result: " + file + ": " + e.getMessage(), e);
    }
    StringBuilder sb = new StringBuilder();
    String cpu = str(o, "cpu");
    String cap = str(o, "onednn_max_cpu_isa");
    String xla = str(o, "xla_flags");
    sb.append(
        String.format(
            Locale.ROOT,
            "peers (%s, %s rounds, %s): CPU %s, %s CPUs; ONEDNN_MAX_CPU_ISA=%s; XLA_FLAGS=%s%n",
            file,
            str(o, "rounds"),
            str(o, "date"),
            cpu,
            str(o, "cpus"),
            cap.isEmpty() ? "unset" : cap,
            xla.isEmpty() ? "unset" : xla));
    CpuInfo here = CpuInfo.current();
    if (!here.model().equals(cpu)) {
      sb.append("  (measured on another CPU than this one: ").append(here.model()).append(")\n");
    }
    TreeSet<Integer> batches = new TreeSet<>();
    Map<String, Map<Integer, JsonObject>> rows = new LinkedHashMap<>();
    for (JsonElement e : o.getAsJsonArray("rows")) {
      JsonObject r = e.getAsJsonObject();
      int batch = r.get("batch").getAsInt();
      batches.add(batch);
      rows.computeIfAbsent(r.get("name").getAsString(), k -> new LinkedHashMap<>()).put(batch, r);
    }
    StringBuilder head =
        new StringBuilder(String.format(Locale.ROOT, "  %-36s", "images/s (× best peer)"));
    for (int b : batches) {
      head.append(String.format(Locale.ROOT, "%22s", "batch " + b));
    }
    sb.append(head).append('\n');
    List<String> names = new ArrayList<>(rows.keySet());
    for (String n : names) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-36s", n));
      for (int b : batches) {
        JsonObject r = rows.get(n).get(b);
        line.append(
            r == null
                ? String.format(Locale.ROOT, "%22s", "-")
                : String.format(
                    Locale.ROOT,
                    "%13.0f (%.2f×)",
                    r.get("median").getAsDouble(),
                    r.get("ratio_to_best_peer").getAsDouble()));
      }
      sb.append(line).append('\n');
    }
    if (o.has("left_out")) {
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("left_out").entrySet()) {
        sb.append("  left out: ")
            .append(e.getKey())
            .append(": ")
            .append(e.getValue().getAsString());
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  private static String str(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? "" : e.getAsString();
  }
}
