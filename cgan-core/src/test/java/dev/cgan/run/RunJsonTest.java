package dev.cgan.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code run.json} read strictly: a field of the wrong JSON type, missing, out of range or absurd
 * is named by its path, both when the run folder reads the file (through Gson) and through {@link
 * RunJson#read}; what earlier releases wrote still reads, and writing is unchanged.
 */
class RunJsonTest {
  @TempDir Path tmp;

  /** A run.json as cgan-java writes it (a 10-class run of 8×8 images). */
  static final String WRITTEN =
      """
      {
        "spec": {
          "model": {
            "numClasses": 10,
            "latentDim": 100,
            "imageSize": 8,
            "channels": 1,
            "batchNormEps": 0.8,
            "batchNormMomentum": 0.1,
            "dropoutRate": 0.4,
            "leakySlope": 0.2
          },
          "batchSize": 8,
          "seed": 1,
          "iterations": 2,
          "learningRate": 2.0E-4,
          "beta1": 0.5,
          "beta2": 0.999,
          "twoStep": false,
          "emaDecay": 0.999
        },
        "data": "embedded:mnist10k",
        "sampleInterval": 500,
        "checkpointInterval": 2,
        "logInterval": 100,
        "keep": 3,
        "digits": "0123456789"
      }""";

  private Path run(String json) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "run");
    Files.writeString(dir.resolve(RunFolder.CONFIG), json);
    return dir;
  }

  /** Both readers refuse {@code json} with {@code problem}, naming the file. */
  private void assertRefused(String json, String problem) throws IOException {
    Path dir = run(json);
    Path file = dir.resolve(RunFolder.CONFIG);
    String expected = file + ": unreadable run configuration (" + problem + ")";
    assertEquals(expected, assertThrows(IOException.class, () -> RunFolder.open(dir)).getMessage());
    assertEquals(expected, assertThrows(IOException.class, () -> RunJson.read(file)).getMessage());
  }

  private static String edit(String find, String replace) {
    assertTrue(WRITTEN.contains(find), find);
    return WRITTEN.replace(find, replace);
  }

  @Test
  void whatCganJavaWritesReadsBackAndIsWrittenAsBefore() throws IOException {
    RunSettings c = RunFolder.open(run(WRITTEN)).settings();
    assertEquals(10, c.network().numClasses());
    assertEquals(10, c.classes());
    assertEquals(2, c.iterations());
    assertEquals(0.999f, c.emaDecay());
    // The file format: written byte for byte as earlier releases wrote it.
    assertEquals(WRITTEN, new String(RunJson.write(c), StandardCharsets.UTF_8));
    assertEquals(c, RunJson.read(run(WRITTEN).resolve(RunFolder.CONFIG)));
  }

  @Test
  void fieldsAddedLaterMayBeAbsentAndAByteOrderMarkIsSkipped() throws IOException {
    String old = edit(",\n    \"emaDecay\": 0.999", "");
    assertEquals(0f, RunFolder.open(run(old)).settings().emaDecay());
    String withNames =
        edit("\"keep\": 3,", "\"keep\": 3, \"classNames\": null, \"mirrors\": null,");
    assertEquals(null, RunFolder.open(run(withNames)).settings().classNames());
    Path bom = run("");
    Files.write(
        bom.resolve(RunFolder.CONFIG), ("\uFEFF" + WRITTEN).getBytes(StandardCharsets.UTF_8));
    assertEquals(3, RunFolder.open(bom).settings().keep());
    assertEquals(3, RunJson.read(bom.resolve(RunFolder.CONFIG)).keep());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      textBlock =
          """
          "numClasses": 10 | "numClasses": 2147483647 | spec.model.numClasses must be a whole number from 2 to 256, found 2147483647
          "channels": 1 | "channels": 2 | spec.model.channels must be 1 (grey) or 3 (RGB), found 2
          "channels": 1 | "channels": 4 | spec.model.channels must be 1 (grey) or 3 (RGB), found 4
          "iterations": 2 | "iterations": 9223372036854775808 | spec.iterations must be a whole number from 0 to 9223372036854775807, found 9223372036854775808
          "iterations": 2 | "iterations": 1e999999999 | spec.iterations must be a whole number from 0 to 9223372036854775807, found 1e999999999
          "batchSize": 8 | "batchSize": "8" | spec.batchSize must be a whole number from 2 to 2147483647, found the string "8"
          "keep": 3 | "keep": 3.5 | keep must be a whole number from 1 to 2147483647, found 3.5
          "keep": 3 | "keep": -2 | keep must be a whole number from 1 to 2147483647, found -2
          "keep": 3 | "keep": null | keep must be a whole number from 1 to 2147483647, found null
          "keep": 3 | "keep": 3, "keep": 4 | keep is given twice
          "twoStep": false | "twoStep": "false" | spec.twoStep must be true or false, found the string "false"
          "latentDim": 100 | "latentDim": 100000000 | spec.model.latentDim must be a whole number from 1 to 4096, found 100000000
          "learningRate": 2.0E-4 | "learningRate": 1e-50 | spec.learningRate must be a number above 0, found 1e-50
          "learningRate": 2.0E-4 | "learningRate": 1e39 | spec.learningRate must be a number above 0, found 1e39
          "emaDecay": 0.999 | "emaDecay": 1 | spec.emaDecay must be a number from 0 (none) to below 1, found 1
          "digits": "0123456789" | "digits": "12a" | not a digit: 'a' at position 3 of digits 12a
          "digits": "0123456789" | "digits": "0,10" | digits: class 10 at position 2 is not a class of this model (it has classes 0-9)
          "data": "embedded:mnist10k" | "data": "files:nothing" | data: not a data source: files:nothing
          "data": "embedded:mnist10k" | "data": 7 | data must be a string, found 7
          "keep": 3 | "keep": 3, "classNames": ["a"] | classNames must name the 10 classes of spec.model.numClasses, found 1 names
          "keep": 3 | "keep": 3, "mirrors": [1] | mirrors[0] must be a string, found 1
          """)
  void aWrongFieldIsNamed(String find, String replace, String problem) throws IOException {
    assertRefused(edit(find, replace), problem);
  }

  @Test
  void aMissingFieldIsNamed() throws IOException {
    assertRefused(
        edit("\n    \"batchSize\": 8,", ""),
        "spec.batchSize is missing, expected a whole number from 2 to 2147483647");
    assertRefused(
        edit("\"model\": {", "\"notModel\": {"), "spec.model is missing, expected an object");
  }

  /**
   * What only the file reader sees, because the run folder's Gson reads the text before it: a file
   * too large to be a run's (1 GiB would exhaust the heap), bytes that are not UTF-8.
   */
  @Test
  void aHugeOrNonUtf8FileIsRefusedWithoutReadingItWhole() throws IOException {
    Path big = run(edit("\"keep\": 3,", "\"keep\": 3," + " ".repeat(2 << 20)));
    Path file = big.resolve(RunFolder.CONFIG);
    assertEquals(
        file
            + ": unreadable run configuration (expected at most 1048576 bytes, found "
            + Files.size(file)
            + " bytes)",
        assertThrows(IOException.class, () -> RunJson.read(file)).getMessage());

    Path latin1 = run("");
    Files.write(
        latin1.resolve(RunFolder.CONFIG),
        edit("embedded:mnist10k", "embedded:mnist10k\u00e9").getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(
        latin1.resolve(RunFolder.CONFIG) + ": unreadable run configuration (not UTF-8 text)",
        assertThrows(IOException.class, () -> RunJson.read(latin1.resolve(RunFolder.CONFIG)))
            .getMessage());
  }

  /** Nesting a hundred thousand deep, in a field no one reads: no stack overflow, no error. */
  @Test
  void deeplyNestedJsonInAnUnknownFieldIsSkipped() throws IOException {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    Path dir = run(edit("\"keep\": 3,", "\"keep\": 3, \"extra\": " + deep + ","));
    assertEquals(3, RunFolder.open(dir).settings().keep());
    assertEquals(3, RunJson.read(dir.resolve(RunFolder.CONFIG)).keep());
  }
}
