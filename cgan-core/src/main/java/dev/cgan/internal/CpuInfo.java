package dev.cgan.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The processor TensorFlow runs on, and the instruction set oneDNN dispatches to on it.
 *
 * <p>Speed and the last bits of float results both depend on it: TensorFlow's release binaries
 * compile their own kernels for AVX, while oneDNN (matmuls, convolutions) picks AVX2, AVX-512 or
 * AMX kernels at run time, capped by {@code ONEDNN_MAX_CPU_ISA}. A figure is comparable with
 * another only when this line is the same.
 *
 * @param model the model name, e.g. "AMD EPYC 9554P 64-Core Processor"
 * @param processors the processors this JVM may use
 * @param extensions the vector extensions present, in rising order (AVX2, AVX-512F, AMX-BF16, …)
 * @param onednnIsa the oneDNN ISA that oneDNN's own dispatch rule gives for these extensions
 * @param onednnCap the value of {@code ONEDNN_MAX_CPU_ISA}, or null when unset
 */
public record CpuInfo(
    String model, int processors, List<String> extensions, String onednnIsa, String onednnCap) {

  /** oneDNN's x86 ISAs from lowest to highest, each with the cpuinfo flags it needs. */
  private enum Isa {
    SSE41("sse4_1"),
    AVX("avx"),
    AVX2("avx2"),
    AVX2_VNNI("avx2", "avx_vnni"),
    AVX512_CORE("avx512f", "avx512bw", "avx512vl", "avx512dq"),
    AVX512_CORE_VNNI("avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_vnni"),
    AVX512_CORE_BF16("avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_vnni", "avx512_bf16"),
    AVX512_CORE_AMX(
        "avx512f",
        "avx512bw",
        "avx512vl",
        "avx512dq",
        "avx512_vnni",
        "avx512_bf16",
        "amx_tile",
        "amx_int8",
        "amx_bf16");

    private final Set<String> flags;

    Isa(String... flags) {
      this.flags = Set.of(flags);
    }
  }

  /** cpuinfo flag → the name people know it by, in the order printed. */
  private static final String[][] SHOWN = {
    {"avx2", "AVX2"},
    {"fma", "FMA"},
    {"avx_vnni", "AVX-VNNI"},
    {"avx512f", "AVX-512F"},
    {"avx512_vnni", "AVX-512-VNNI"},
    {"avx512_bf16", "AVX-512-BF16"},
    {"avx512_fp16", "AVX-512-FP16"},
    {"amx_tile", "AMX-TILE"},
    {"amx_bf16", "AMX-BF16"},
    {"amx_int8", "AMX-INT8"},
  };

  /** Reads {@code /proc/cpuinfo} and {@code ONEDNN_MAX_CPU_ISA}; "unknown" parts elsewhere. */
  public static CpuInfo current() {
    String text;
    try {
      text = Files.readString(Path.of("/proc/cpuinfo"));
    } catch (IOException | RuntimeException e) {
      text = "";
    }
    return parse(
        text, Runtime.getRuntime().availableProcessors(), System.getenv("ONEDNN_MAX_CPU_ISA"));
  }

  /** The same from a cpuinfo text, for tests and for other machines' files. */
  static CpuInfo parse(String cpuinfo, int processors, String cap) {
    String model = field(cpuinfo, "model name");
    Set<String> flags = Set.of(field(cpuinfo, "flags").toLowerCase(Locale.ROOT).split("\\s+"));
    List<String> shown = new ArrayList<>();
    for (String[] f : SHOWN) {
      if (flags.contains(f[0])) {
        shown.add(f[1]);
      }
    }
    Isa best = null;
    for (Isa isa : Isa.values()) {
      if (flags.containsAll(isa.flags)) {
        best = isa;
      }
    }
    String capValue = cap == null || cap.isBlank() ? null : cap.trim().toUpperCase(Locale.ROOT);
    Isa limit = capValue == null ? null : capOf(capValue);
    if (best != null && limit != null && limit.ordinal() < best.ordinal()) {
      best = limit;
    }
    return new CpuInfo(
        model.isEmpty() ? "unknown " + System.getProperty("os.arch") + " processor" : model,
        processors,
        List.copyOf(shown),
        best == null ? "unknown" : best.name(),
        capValue);
  }

  /**
   * Whether oneDNN has bfloat16 matmuls here: from AVX512_CORE up (emulated below AVX512_CORE_BF16,
   * native above). On AVX2 its matmul descriptor fails and TensorFlow aborts the process. True when
   * the dispatch is unknown: nothing better can be said then.
   */
  public boolean runsBfloat16() {
    return onednnIsa.equals("unknown") || Isa.valueOf(onednnIsa).compareTo(Isa.AVX512_CORE) >= 0;
  }

  /**
   * One line for reports, e.g. "AMD EPYC, 2 processors; AVX2 FMA AVX-512F …; oneDNN dispatch
   * AVX512_CORE_BF16".
   */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%s, %d processors; %s; oneDNN dispatch %s%s",
        model,
        processors,
        extensions.isEmpty() ? "no AVX2" : String.join(" ", extensions),
        onednnIsa,
        onednnCap == null ? "" : " (capped by ONEDNN_MAX_CPU_ISA=" + onednnCap + ")");
  }

  // oneDNN ignores a value it does not know and stays uncapped; null says the same here.
  private static Isa capOf(String v) {
    if (v.startsWith("AVX512_CORE_AMX")) {
      return Isa.AVX512_CORE_AMX;
    }
    if (v.startsWith("AVX512_CORE_FP16")) {
      return Isa.AVX512_CORE_BF16;
    }
    if (v.startsWith("AVX2_VNNI")) {
      return Isa.AVX2_VNNI;
    }
    for (Isa isa : Isa.values()) {
      if (isa.name().equals(v)) {
        return isa;
      }
    }
    return null;
  }

  private static String field(String cpuinfo, String name) {
    for (String line : cpuinfo.split("\\R")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return "";
  }
}
