package dev.cgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code evaluate} as a user meets it. The fast tests cover what fails before a classifier is
 * needed; a full evaluation trains the real classifier (about half a minute) and runs only with
 * {@code -Dcgan.slowTests=true}.
 */
class EvaluateCommandTest {
  @TempDir Path tmp;

  record Outcome(int code, String out, String err) {}

  static Outcome evaluate(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    // The command as Main builds it (its help texts are Main's resource bundle), without Main's
    // error handlers.
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] command = new String[args.length + 1];
    command[0] = "evaluate";
    System.arraycopy(args, 0, command, 1, args.length);
    int code = cli.execute(command);
    return new Outcome(code, out.toString(), err.toString());
  }

  /** A tiny run of {@code size}×{@code size} digits, trained through the {@code train} command. */
  private Path tinyRun(int size) {
    Path run = tmp.resolve("run" + size);
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            "train",
            "--out",
            run.toString(),
            "--iterations",
            "2",
            "--batch",
            "32",
            "--img-size",
            String.valueOf(size),
            "--sample-interval",
            "2",
            "--log-interval",
            "2");
    assertEquals(Main.OK, code, err.toString());
    return run;
  }

  @Test
  void helpSaysThatSamplesArePerClass() {
    Outcome o = evaluate("--help");
    assertEquals(Main.OK, o.code());
    assertTrue(o.out().contains("Generated samples per class"), o.out());
  }

  @Test
  void aModelOfAnotherShapeIsRefusedBeforeAnyClassifierWork() {
    Path run = tinyRun(16);
    Outcome o = evaluate("--model", run.toString(), "--cache-dir", tmp.resolve("cache").toString());
    assertEquals(Main.USAGE, o.code());
    assertTrue(
        o.err()
            .contains(
                "evaluation needs a 10-class 32x32 grey digit model (MNIST); this model has 10"
                    + " classes of 16x16x1"),
        o.err());
    assertTrue(!tmp.resolve("cache").toFile().exists(), "no classifier was trained for it");
  }

  @Test
  void tooFewSamplesIsAUsageError() {
    Outcome o = evaluate("--model", tmp.toString(), "--samples", "1");
    assertEquals(Main.USAGE, o.code());
    assertTrue(
        o.err().contains("--samples must be between 2 (diversity compares pairs) and 20000, got 1"),
        o.err());
  }

  @Test
  void aMissingModelFails() {
    Outcome o = evaluate("--model", tmp.resolve("nothing").toString());
    assertEquals(Main.FAILED, o.code());
    assertTrue(o.err().contains("does not exist"), o.err());
  }

  @Test
  @EnabledIfSystemProperty(named = "cgan.slowTests", matches = "true")
  void aDigitModelGetsATableOrJson() {
    Path run = tinyRun(32);
    String cache = tmp.resolve("cache").toString();
    Outcome table = evaluate("--model", run.toString(), "--samples", "20", "--cache-dir", cache);
    assertEquals(Main.OK, table.code(), table.err());
    assertTrue(table.out().startsWith("Evaluation of " + run + " (2 iterations)"), table.out());
    assertTrue(table.err().contains("trained the digit classifier"), table.err());
    Outcome json =
        evaluate("--model", run.toString(), "--samples", "20", "--cache-dir", cache, "--json");
    assertEquals(Main.OK, json.code(), json.err());
    assertTrue(json.err().isEmpty(), "the cached classifier is used: " + json.err());
    JsonObject o = JsonParser.parseString(json.out()).getAsJsonObject();
    assertEquals(200, o.get("samples").getAsInt());
    assertTrue(o.getAsJsonObject("real").get("classifierAccuracy").getAsDouble() >= 0.98);
  }
}
