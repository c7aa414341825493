package dev.cgan.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.model.CganConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code assets.extra/cgan.json} read strictly, each problem named by file and field. */
class ModelMetadataTest {
  @TempDir Path tmp;

  private Path export(String json) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "export");
    Files.createDirectories(dir.resolve(ModelMetadata.FILE).getParent());
    Files.writeString(dir.resolve(ModelMetadata.FILE), json);
    return dir;
  }

  private static final ModelMetadata WRITTEN =
      new ModelMetadata(
          ModelMetadata.FORMAT,
          "0.1.0",
          "2.18.0",
          CganConfig.reference(),
          23400,
          List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
          "ema",
          0.999f);

  private String written() throws IOException {
    Path dir = Files.createTempDirectory(tmp, "written");
    WRITTEN.write(dir);
    return Files.readString(dir.resolve(ModelMetadata.FILE));
  }

  @Test
  void whatAnExportWritesReadsBack() throws IOException {
    assertEquals(WRITTEN, ModelMetadata.read(export(written())));
    // Exports made before the average have neither weights nor emaDecay.
    String old = written().replaceAll("(?m)^\\s*\"(weights|emaDecay)\".*\\n", "");
    ModelMetadata m = ModelMetadata.read(export(old.replaceAll(",(\\s*})", "$1")));
    assertNull(m.weights());
    assertEquals(0f, m.emaDecay());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      textBlock =
          """
          "iterations": 23400 | "iterations": 1e400000 | iterations must be a whole number from 0 to 9223372036854775807, found 1e400000
          "iterations": 23400 | "iterations": -1 | iterations must be a whole number from 0 to 9223372036854775807, found -1
          "numClasses": 10 | "numClasses": 99999999999999999999 | model.numClasses must be a whole number from 2 to 256, found 99999999999999999999
          "imageSize": 32 | "imageSize": 1000000 | model.imageSize must be a whole number from 1 to 256, found 1000000
          "weights": "ema" | "weights": "best" | weights must be "raw" or "ema", found the string "best"
          "cgan-java/saved-model/1" | "cgan-java/saved-model/2" | format must be "cgan-java/saved-model/1", found the string "cgan-java/saved-model/2"
          "emaDecay": 0.999 | "emaDecay": "high" | emaDecay must be a number from 0 (none) to below 1, found the string "high"
          """)
  void aWrongFieldIsNamed(String find, String replace, String problem) throws IOException {
    String json = written();
    assertTrue(json.contains(find), json);
    Path dir = export(json.replace(find, replace));
    assertEquals(
        dir.resolve(ModelMetadata.FILE) + ": unreadable metadata (" + problem + ")",
        assertThrows(IOException.class, () -> ModelMetadata.read(dir)).getMessage());
  }

  /** Without its model the file once read as "expected format X, found X". */
  @Test
  void metadataWithoutItsModelSaysSo() throws IOException {
    String json = written().replaceAll("(?s)\"model\": \\{.*?},", "");
    Path dir = export(json);
    assertEquals(
        dir.resolve(ModelMetadata.FILE)
            + ": unreadable metadata (model is missing, expected an object)",
        assertThrows(IOException.class, () -> ModelMetadata.read(dir)).getMessage());
  }

  /** A file far larger than any cgan.json is refused after 1 MiB, not read whole; so is Latin-1. */
  @Test
  void aHugeOrNonUtf8FileIsRefusedNamingIt() throws IOException {
    Path big = export(written().replace("\"iterations\"", " ".repeat(2 << 20) + "\"iterations\""));
    Path file = big.resolve(ModelMetadata.FILE);
    assertEquals(
        file
            + ": unreadable metadata (expected at most 1048576 bytes, found "
            + Files.size(file)
            + " bytes)",
        assertThrows(IOException.class, () -> ModelMetadata.read(big)).getMessage());
    Path latin1 = export("");
    Files.write(
        latin1.resolve(ModelMetadata.FILE),
        written()
            .replace("2.18.0", "2.18.0\u00e9")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertEquals(
        latin1.resolve(ModelMetadata.FILE) + ": unreadable metadata (not UTF-8 text)",
        assertThrows(IOException.class, () -> ModelMetadata.read(latin1)).getMessage());
  }
}
