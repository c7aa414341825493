package dev.cgan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import dev.cgan.serve.CganGenerator;
import dev.cgan.server.CganServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate} and {@code :render}, {@code interpolate} and {@code :interpolate} read one
 * grammar ({@link dev.cgan.serve.ImageRequest}): the same values give the same bytes, or the same
 * refusal with the parameter named as each front end spells it.
 */
class SameRequestTest {
  @TempDir static Path tmp;
  static Path run;
  static CganGenerator generator;
  static CganServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void serveATinyRun() throws Exception {
    run = CliTest.tinyRun(tmp);
    generator = CganGenerator.load(run);
    server = CganServer.start(generator, CganServer.Settings.defaults().withPort(0));
  }

  @AfterAll
  static void stop() {
    server.close();
    generator.close();
  }

  /**
   * Command-line arguments after {@code --model RUN}, and the same request as a query; W stands for
   * the weights the server serves.
   */
  private static final String[][] STRIPS = {
    {"--digits 0120", "digits=0120"},
    {"--digits 2,0,1 --seed -3", "digits=2,0,1&seed=-3"},
    {
      "--labels 2,0,1 --seed 3 --same-style --truncation 0.5",
      "labels=2,0,1&seed=3&same_style=true&truncation=0.5"
    },
    {"--digits 12 --truncation 0", "digits=12&truncation=0"},
    {"--digits 12 --truncation 1e3 --weights W", "digits=12&truncation=1e3&weights=W"},
  };

  private static final String[][] MORPHS = {
    {"--digits 01 --seeds 7,8 --steps 4 --fps 10", "digits=01&seeds=7,8&steps=4&fps=10"},
    {"--labels 2,1 --seeds -1,5", "labels=2,1&seeds=-1,5"},
    {"--classes 0,2", "classes=0,2"},
    {"--classes 2,1 --seed 9 --steps 3", "classes=2,1&seed=9&steps=3"},
  };

  @Test
  void theSameStripsAndAnimations() throws Exception {
    for (String[] c : STRIPS) {
      Path png = tmp.resolve("strip.png");
      CliTest.Outcome o = cli("generate", c[0], png);
      assertEquals(0, o.code(), c[0] + ": " + o.err());
      HttpResponse<byte[]> r = get(":render?" + c[1]);
      assertEquals(200, r.statusCode(), c[1]);
      assertArrayEquals(Files.readAllBytes(png), r.body(), c[0]);
    }
    for (String[] c : MORPHS) {
      Path gif = tmp.resolve("morph.gif");
      CliTest.Outcome o = cli("interpolate", c[0], gif);
      assertEquals(0, o.code(), c[0] + ": " + o.err());
      HttpResponse<byte[]> r = get(":interpolate?" + c[1]);
      assertEquals(200, r.statusCode(), c[1]);
      assertArrayEquals(Files.readAllBytes(gif), r.body(), c[0]);
    }
  }

  /**
   * Refusals whose bounds are the same on both: the message differs only in the names (those that
   * also spell a value, "--seeds A,B" against "seeds=A,B", are compared in ImageRequestTest).
   */
  private static final String[][] REFUSALS = {
    {"generate", "--digits 0,10", "digits=0,10"},
    {"generate", "--labels 1,x", "labels=1,x"},
    {"generate", "--labels 1,,2", "labels=1,,2"},
    {"generate", "--digits 1 --seed x", "digits=1&seed=x"},
    {"generate", "--digits 1 --seed 9223372036854775808", "digits=1&seed=9223372036854775808"},
    {"generate", "--digits 1 --truncation -1", "digits=1&truncation=-1"},
    {"generate", "--digits 1 --truncation 0.001", "digits=1&truncation=0.001"},
    {"generate", "--digits 1 --truncation 1e400", "digits=1&truncation=1e400"},
    {"interpolate", "--classes 1", "classes=1"},
    {"interpolate", "--classes 1,15", "classes=1,15"},
    {"interpolate", "--digits 01 --seeds 5,x", "digits=01&seeds=5,x"},
    {"interpolate", "--classes 0,1 --fps 0", "classes=0,1&fps=0"},
    {"interpolate", "--classes 0,1 --steps x", "classes=0,1&steps=x"},
  };

  @Test
  void theSameRefusalsNamingTheParameterAsEachFrontEndSpellsIt() throws Exception {
    for (String[] c : REFUSALS) {
      Path out = tmp.resolve(c[0].equals("generate") ? "never.png" : "never.gif");
      CliTest.Outcome o = cli(c[0], c[1], out);
      assertEquals(Main.USAGE, o.code(), c[1]);
      String cli = o.err().lines().findFirst().orElse("").replaceFirst("^error: ", "");
      HttpResponse<byte[]> r = get((c[0].equals("generate") ? ":render?" : ":interpolate?") + c[2]);
      assertEquals(400, r.statusCode(), c[2]);
      String served =
          JsonParser.parseString(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8))
              .getAsJsonObject()
              .get("error")
              .getAsString();
      assertEquals(cli, asOptions(served), c[1]);
      assertEquals(false, Files.exists(out), c[1]);
    }
  }

  /**
   * A server message with its parameter named as an option is: "seed: 'x' ..." → "--seed: 'x' ...",
   * "... of labels 1,x" → "... of --labels 1,x".
   */
  private static String asOptions(String message) {
    String names = "(digits|labels|seeds|seed|classes|truncation|steps|fps)";
    return message
        .replaceFirst("^" + names + "(?=[ :])", "--$1")
        .replaceFirst(" of " + names + " ", " of --$1 ");
  }

  private static CliTest.Outcome cli(String command, String args, Path out) {
    List<String> all = new ArrayList<>(List.of(command, "--model", run.toString()));
    all.addAll(Arrays.asList(args.replace(" W", " " + generator.weights().id()).split(" ")));
    all.addAll(List.of("-o", out.toString()));
    return CliTest.cgan(all.toArray(String[]::new));
  }

  private static HttpResponse<byte[]> get(String action) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create(
                    server.uri()
                        + "v1/models/cgan"
                        + action.replace("=W", "=" + generator.weights().id())))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
