package dev.cgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.cgan.data.DataSource;
import dev.cgan.data.EmbeddedMnist;
import dev.cgan.data.IdxWriter;
import dev.cgan.data.InvalidDataException;
import dev.cgan.data.LabeledImages;
import dev.cgan.data.MnistDownloader;
import dev.cgan.model.CganConfig;
import dev.cgan.model.Labels;
import dev.cgan.run.RunFolder;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.ModelMetadata;
import dev.cgan.train.internal.MemoryLimits;
import dev.cgan.train.internal.TrainingMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad data and bad input, each through the command line (exit code and the one-line message that
 * names the file or option, what was expected and what was found) and through the library (the
 * exception type); a failing {@code train} writes no run folder.
 */
class BadInputTest {
  private static final int N = 48, SIDE = 28;

  @TempDir static Path tmp;

  /** 48 embedded digits of the classes 0, 1 and 2, as an IDX folder. */
  static Path data;

  /** A 3-class run of 8×8 images trained for 2 iterations on {@link #data}. */
  static Path run;

  static byte[] pixels;
  static byte[] labels;

  @BeforeAll
  static void trainATinyThreeClassRun() throws Exception {
    LabeledImages all = EmbeddedMnist.load();
    pixels = new byte[N * SIDE * SIDE];
    labels = new byte[N];
    for (int i = 0, n = 0; n < N; i++) {
      if (all.label(i) < 3) {
        System.arraycopy(all.image(i), 0, pixels, n * SIDE * SIDE, SIDE * SIDE);
        labels[n++] = (byte) all.label(i);
      }
    }
    data = tmp.resolve("data");
    writeSet(data, pixels, labels);
    run = tmp.resolve("run");
    CliTest.Outcome o =
        cgan(
            "train",
            "--data",
            data.toString(),
            "--out",
            run.toString(),
            "--iterations",
            "2",
            "--batch",
            "8",
            "--img-size",
            "8",
            "--checkpoint-interval",
            "2",
            "--sample-interval",
            "100",
            "--log-interval",
            "1");
    assertEquals(Main.OK, o.code(), o.err());
  }

  // ---- IDX files ---------------------------------------------------------------------------

  @Test
  void wrongMagic() throws Exception {
    Path images = write("magic-images", new byte[] {0x1F, 0x00, 0x08, 0x03, 0, 0, 0, 1});
    Path labelFile = labelsFile("magic-labels");
    assertData(
        images,
        labelFile,
        images
            + ": expected IDX magic 0x0000TTNN (two zero bytes, type, number of dims), found"
            + " 0x1F000803");
  }

  /**
   * On a CPU where oneDNN has no bfloat16 matmul (AVX2, or this suite's run under
   * ONEDNN_MAX_CPU_ISA=AVX2) TensorFlow would abort the JVM: {@code --precision bf16} is refused
   * first, as a usage error, and no run folder is made.
   */
  @Test
  void bf16OnACpuWithoutIt() {
    assumeFalse(
        dev.cgan.train.Precision.MIXED_BF16.supported(),
        "oneDNN runs bfloat16 here; the refusal is checked in the ONEDNN_MAX_CPU_ISA=AVX2 run");
    Path out = tmp.resolve("bf16-run");
    CliTest.Outcome o =
        cgan("train", "--data", data.toString(), "--out", out.toString(), "--precision", "bf16");
    assertEquals(2, o.code(), o.err());
    assertTrue(
        o.err()
            .startsWith("error: --precision bf16 needs a CPU on which oneDNN dispatches AVX-512"),
        o.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void wrongElementType() throws Exception {
    // A valid IDX file of float32 [N, 28, 28] where ubyte is expected.
    byte[] floats = new byte[4 + 12 + N * SIDE * SIDE * 4];
    floats[2] = 0x0D;
    floats[3] = 3;
    putInt(floats, 4, N);
    putInt(floats, 8, SIDE);
    putInt(floats, 12, SIDE);
    Path images = write("float-images", floats);
    assertData(
        images,
        labelsFile("float-labels"),
        images + ": expected a 3-dim ubyte IDX file [N, H, W], found 3-dim float [48, 28, 28]");

    // An element type the format does not have.
    Path unknown = write("type-images", new byte[] {0, 0, 0x07, 0x03, 0, 0, 0, 1});
    assertData(
        unknown,
        labelsFile("type-labels"),
        unknown + ": unknown IDX element type 0x07 in magic 0x00000703, expected one of ");
  }

  @Test
  void dimensionsThatDisagreeWithTheByteCount() throws Exception {
    byte[] whole = IdxWriter.encodeUbyte(pixels, new int[] {N, SIDE, SIDE}, false);
    Path shortFile = write("short-images", Arrays.copyOf(whole, whole.length - 100));
    assertData(
        shortFile,
        labelsFile("short-labels"),
        shortFile + ": header says 48x28x28 ubyte = 37632 bytes, found 37532 (truncated?)");

    Path longFile = write("long-images", Arrays.copyOf(whole, whole.length + 3));
    assertData(
        longFile,
        labelsFile("long-labels"),
        longFile + ": header says 48x28x28 ubyte = 37632 bytes, found 37635 (3 trailing bytes)");
  }

  @Test
  void truncatedGzip() throws Exception {
    byte[] gz = IdxWriter.encodeUbyte(pixels, new int[] {N, SIDE, SIDE}, true);
    Path images = write("cut-images.gz", Arrays.copyOf(gz, gz.length / 2));
    assertData(images, labelsFile("cut-labels"), images + ": truncated gzip data (");
  }

  @Test
  void imagesAndLabelsOfDifferentCounts() throws Exception {
    Path images = tmp.resolve("count-images");
    IdxWriter.writeUbyte(images, pixels, new int[] {N, SIDE, SIDE}, false);
    Path fewer = tmp.resolve("count-labels");
    IdxWriter.writeUbyte(fewer, Arrays.copyOf(labels, N - 1), new int[] {N - 1}, false);
    assertData(
        images,
        fewer,
        fewer + ": images file " + images + " has 48 images but labels file has 47 labels");
  }

  @Test
  void aLabelAtOrAboveTheNumberOfClasses() throws Exception {
    Path images = tmp.resolve("class-images");
    IdxWriter.writeUbyte(images, pixels, new int[] {N, SIDE, SIDE}, false);
    Path labelFile = labelsFile("class-labels");
    int at = indexOf(labels, 2);
    String expected = labelFile + ": label at index " + at + " is 2, expected 0..1 for 2 classes";

    CliTest.Outcome o =
        train("--images", images.toString(), "--labels", labelFile.toString(), "--classes", "2");
    assertFailure(o, Main.FAILED, expected);
    InvalidDataException e =
        assertThrows(InvalidDataException.class, () -> LabeledImages.read(images, labelFile, 2));
    assertEquals(expected, e.getMessage());

    // A folder source says the same in its own words.
    o = train("--data", data.toString(), "--classes", "2");
    assertFailure(o, Main.FAILED, data + ": labels go up to 2, expected 0..1 for 2 classes");
    assertThrows(
        InvalidDataException.class,
        () -> DataSource.idxFolder(data).load(2, MnistDownloader.Progress.NONE));
  }

  @Test
  void aMissingDataFolderIsNamed() {
    Path nowhere = tmp.resolve("no-such-data");
    assertFailure(train("--data", nowhere.toString()), Main.FAILED, nowhere + ": not a directory");
    Path noLabels = tmp.resolve("no-such-labels");
    assertFailure(
        train(
            "--images",
            data.resolve("train-images-idx3-ubyte.gz").toString(),
            "--labels",
            noLabels.toString()),
        Main.FAILED,
        noLabels + ": no such file or folder");
  }

  // ---- options -----------------------------------------------------------------------------

  @Test
  void digitsThatAreNotDigitsEmptyOrNotAClassOfTheModel() throws Exception {
    assertFailure(
        cgan("generate", "--model", run.toString(), "--digits", "12a4"),
        Main.USAGE,
        "not a digit: 'a' at position 3 of --digits 12a4");
    assertFailure(
        cgan("generate", "--model", run.toString(), "--digits", ""),
        Main.USAGE,
        "--digits is empty: give at least one digit, e.g. 0123456789");
    assertFailure(
        cgan("generate", "--model", run.toString(), "--digits", "015"),
        Main.USAGE,
        "--digits: class 5 at position 3 is not a class of this model (it has classes 0-2)");
    // A typo is reported before the model is even looked at.
    assertFailure(
        cgan("generate", "--model", tmp.resolve("nope").toString(), "--digits", "x"),
        Main.USAGE,
        "not a digit: 'x' at position 1 of --digits x");

    // train checks its --digits (digits or a list) against the classes of the data.
    assertFailure(
        train("--data", data.toString(), "--digits", "0127"),
        Main.USAGE,
        "--digits: class 7 at position 4 is not a class of this model (it has classes 0-2)");
    assertFailure(
        train("--data", data.toString(), "--digits", "2,x"),
        Main.USAGE,
        "not a class index: 'x' at position 2 of --digits 2,x");
    assertFailure(
        train("--data", data.toString(), "--digits", ""), Main.USAGE, "--digits is empty");

    try (CganGenerator g = CganGenerator.load(run)) {
      assertThrows(IllegalArgumentException.class, () -> g.renderDigits("015", 7));
      assertThrows(IllegalArgumentException.class, () -> g.renderDigits("", 7));
      assertThrows(IllegalArgumentException.class, () -> g.pixels(new int[] {3}, 7));
    }
    assertThrows(IllegalArgumentException.class, () -> Labels.parseDigits("1a", 10));
  }

  @Test
  void interpolationAndStyleValuesThatCannotWork() {
    String model = run.toString();
    String gif = tmp.resolve("never.gif").toString();
    assertFailure(
        cgan("interpolate", "--model", model, "--classes", "0,1", "--steps", "0", "-o", gif),
        Main.USAGE,
        "--steps must be 2 to 1000 (the two ends and the steps between), got 0");
    assertFailure(
        cgan("interpolate", "--model", model, "--digits", "01", "--seeds", "5", "-o", gif),
        Main.USAGE,
        "--seeds needs two seeds A,B, got 5");
    assertFailure(
        cgan("interpolate", "--model", model, "--classes", "3,99", "-o", gif),
        Main.USAGE,
        "--classes: class 3 at position 1 is not a class of this model (it has classes 0-2)");
    assertFailure(
        cgan("interpolate", "--model", model, "--classes", "1,99", "-o", gif),
        Main.USAGE,
        "--classes: class 99 at position 2 is not a class of this model (it has classes 0-2)");
    assertFailure(
        cgan("interpolate", "--model", model, "--classes", "1", "-o", gif),
        Main.USAGE,
        "--classes needs two classes I,J, got 1");
    assertFailure(
        cgan("interpolate", "--model", model, "--classes", "0,1", "--fps", "0", "-o", gif),
        Main.USAGE,
        "--fps must be 1 to 100 (a GIF's frame delay counts 1/100 s), got 0");
    assertFailure(
        cgan("interpolate", "--model", model, "--classes", "0,1", "-o", "x.jpg"),
        Main.USAGE,
        "-o must end in .gif (an animation) or .png (a grid, one row per frame), got x.jpg");
    assertFailure(
        cgan("interpolate", "--model", model, "--digits", "01", "--seeds", "5,x", "-o", gif),
        Main.USAGE,
        "--seeds: 'x' is not a seed (a whole number), in 5,x");
    assertFailure(
        cgan("interpolate", "--model", model, "--classes", "0,1", "--digits", "01", "-o", gif),
        Main.USAGE,
        "--digits and --classes do not go together: --digits SEQ --seeds A,B interpolates styles,"
            + " --classes I,J [--seed S] classes");
    assertFailure(
        cgan("interpolate", "--model", model, "--digits", "01", "--seed", "3", "-o", gif),
        Main.USAGE,
        "--seed goes with --classes; --digits takes two seeds, --seeds A,B");
    assertFailure(
        cgan("interpolate", "--model", model, "--digits", "01", "-o", gif),
        Main.USAGE,
        "--digits needs --seeds A,B: the two styles to move between");
    assertFailure(
        cgan("generate", "--model", model, "--digits", "01", "--truncation", "-1"),
        Main.USAGE,
        "--truncation must be positive, or 0 for none, got -1");
    assertFalse(Files.exists(Path.of(gif)));
  }

  @Test
  void aSeedThatIsNotANumber() {
    // generate reads its seed with the server's grammar (ImageRequest), train with picocli's.
    assertFailure(
        cgan("generate", "--model", run.toString(), "--digits", "1", "--seed", "abc"),
        Main.USAGE,
        "--seed: 'abc' is not a seed (a whole number)");
    assertFailure(
        train("--data", data.toString(), "--seed", "1.5"),
        Main.USAGE,
        "Invalid value for option '--seed': expected a whole number from -9223372036854775808 to"
            + " 9223372036854775807, got '1.5'");
  }

  /**
   * Numbers are taken exactly as typed: one that does not fit its option's type is refused naming
   * the option and the value as typed, never rounded, wrapped or turned into a denormal that
   * TensorFlow reads as 0 (--truncation 1e-45 used to truncate nothing).
   */
  @Test
  void numbersThatDoNotFitTheirOptionAreRefusedAsTyped() {
    String model = run.toString();
    String png = tmp.resolve("never.png").toString();
    String gif = tmp.resolve("never.gif").toString();
    String longs = "expected a whole number from -9223372036854775808 to 9223372036854775807";
    String ints = "expected a whole number from -2147483648 to 2147483647";
    // generate and interpolate read their values with the server's grammar (ImageRequest).
    String seedRange =
        "is out of range: a seed is a whole number from -9223372036854775808 to"
            + " 9223372036854775807";
    String atLeast =
        "--truncation must be at least 0.01 (below it every seed draws nearly the same image), or"
            + " 0 for none, got ";
    String frames = "--steps must be 2 to 1000 (the two ends and the steps between), got ";
    String[][] cases = {
      {"generate --digits 1 --truncation 1e-45", atLeast + "1e-45"},
      {"generate --digits 1 --truncation 0.001", atLeast + "0.001"},
      {
        "generate --digits 1 --truncation 1e39",
        "--truncation must be at most 3.4028235E38 (a float32), or 0 for none, got 1e39"
      },
      {"generate --digits 1 --truncation 0x1p-3", "--truncation: '0x1p-3' is not a number"},
      {"generate --digits 1 --truncation NaN", "--truncation: 'NaN' is not a number"},
      {
        "generate --digits 1 --seed 9223372036854775808",
        "--seed: '9223372036854775808' " + seedRange
      },
      {"interpolate --classes 0,1 --steps 4294967298", frames + "4294967298"},
      {
        "interpolate --classes 0,1 --fps 99999999999",
        "--fps must be 1 to 100 (a GIF's frame delay counts 1/100 s), got 99999999999"
      },
      {
        "interpolate --classes 0,1 --seed -9223372036854775809",
        "--seed: '-9223372036854775809' " + seedRange
      },
      {
        "interpolate --digits 01 --seeds 1,9223372036854775808",
        "--seeds: '9223372036854775808' " + seedRange + ", in 1,9223372036854775808"
      }
    };
    for (String[] c : cases) {
      List<String> args = new ArrayList<>(Arrays.asList(c[0].split(" ")));
      args.addAll(1, List.of("--model", model));
      args.addAll(List.of("-o", c[0].startsWith("generate") ? png : gif));
      assertFailure(cgan(args.toArray(String[]::new)), Main.USAGE, c[1]);
    }
    for (String[] c :
        new String[][] {
          {"--iterations", "9223372036854775808", longs},
          {"--epochs", "2147483648", ints},
          {"--batch", "1e2", ints},
          {"--keep", "-2147483649", ints}
        }) {
      assertFailure(
          train("--data", data.toString(), c[0], c[1]),
          Main.USAGE,
          "Invalid value for option '" + c[0] + "': " + c[2] + ", got '" + c[1] + "'");
    }
    assertFalse(Files.exists(Path.of(png)));
    assertFalse(Files.exists(Path.of(gif)));
  }

  /** Labels are checked against the model's own classes, not against every int there is. */
  @Test
  void aLabelBelowZeroNamesTheModelsClasses() {
    String png = tmp.resolve("never.png").toString();
    assertFailure(
        cgan("generate", "--model", run.toString(), "--labels=-1", "-o", png),
        Main.USAGE,
        "--labels: class -1 at position 1 is not a class of this model (it has classes 0-2)");
    assertFailure(
        cgan("generate", "--model", run.toString(), "--labels", "1,-1", "-o", png),
        Main.USAGE,
        "--labels: class -1 at position 2 is not a class of this model (it has classes 0-2)");
    // A misspelling is still found before the model is loaded; a word may be a class name,
    // which only the model knows.
    assertFailure(
        cgan("generate", "--model", tmp.resolve("nope").toString(), "--labels", "-1,,2", "-o", png),
        Main.USAGE,
        "not a class index: '' at position 2 of --labels -1,,2");
    assertFailure(
        cgan("generate", "--model", run.toString(), "--labels", "1,x", "-o", png),
        Main.USAGE,
        "not a class index: 'x' at position 2 of --labels 1,x");
    assertFalse(Files.exists(Path.of(png)));
  }

  @Test
  void aModelPathThatIsMissingOrNotAModel() throws Exception {
    Path missing = tmp.resolve("no-such-model");
    assertFailure(
        cgan("generate", "--model", missing.toString(), "--digits", "1"),
        Main.FAILED,
        missing + " does not exist");
    assertThrows(IOException.class, () -> CganGenerator.load(missing));

    assertFailure(
        cgan("generate", "--model", data.toString(), "--digits", "1"),
        Main.FAILED,
        data + " is neither a training run (no run.json) nor a SavedModel (no saved_model.pb)");

    Path garbage = Files.createDirectories(tmp.resolve("garbage-model"));
    Files.writeString(garbage.resolve("saved_model.pb"), "not a protocol buffer");
    CliTest.Outcome o = cgan("generate", "--model", garbage.toString(), "--digits", "1");
    assertFailure(o, Main.FAILED, garbage.toString());
    assertThrows(IOException.class, () -> CganGenerator.load(garbage));

    Path badJson = Files.createDirectories(tmp.resolve("bad-json"));
    Files.writeString(badJson.resolve("run.json"), "{ not json");
    assertFailure(
        cgan("generate", "--model", badJson.toString(), "--digits", "1"),
        Main.FAILED,
        badJson.resolve("run.json") + ": unreadable run configuration (");

    Path untrained = Files.createDirectories(tmp.resolve("untrained"));
    Files.copy(run.resolve("run.json"), untrained.resolve("run.json"));
    assertFailure(
        cgan("generate", "--model", untrained.toString(), "--digits", "1"),
        Main.FAILED,
        untrained + " has no checkpoint yet (train it first)");
  }

  /** A run whose checkpoint does not fit its run.json: image size or class count edited. */
  @Test
  void aModelOfAnotherShape() throws Exception {
    for (String[] edit :
        new String[][] {
          {"\"imageSize\": 8", "\"imageSize\": 16"}, {"\"numClasses\": 3", "\"numClasses\": 5"}
        }) {
      Path other =
          copyRun(run, tmp.resolve("other-" + edit[1].replaceAll("\\W", "")), edit[0], edit[1]);
      String prefix = "checkpoint " + other.resolve("checkpoints/ckpt-2") + " does not fit the ";
      CliTest.Outcome o =
          cgan(
              "generate",
              "--model",
              other.toString(),
              "--digits",
              "1",
              "-o",
              tmp.resolve("x.png").toString());
      assertFailure(o, Main.FAILED, prefix + "model in " + other.resolve("run.json") + ": ");
      assertThrows(IOException.class, () -> CganGenerator.load(other));
      assertFalse(Files.exists(tmp.resolve("x.png")));

      // Resuming it fails the same way, and leaves the run as it was.
      o = cgan("train", "--resume", other.toString());
      assertFailure(
          o, Main.FAILED, prefix + "network and data of " + other.resolve("run.json") + ": ");
      assertEquals(List.of("ckpt-2"), RunFolder.open(other).checkpoints().list());
    }
  }

  /**
   * A run.json with a field of the wrong type, missing, out of range or absurd: one line naming the
   * file and the field, exit 1 (bad data), from every command that reads it; nothing changes.
   */
  @Test
  void runJsonFieldsThatCannotWorkAreNamed() throws Exception {
    String[][] edits = {
      {
        "\"numClasses\": 3",
        "\"numClasses\": 2147483647",
        "spec.model.numClasses must be a whole number from 2 to 256, found 2147483647"
      },
      {
        "\"channels\": 1",
        "\"channels\": 2",
        "spec.model.channels must be 1 (grey) or 3 (RGB), found 2"
      },
      {
        "\"iterations\": 2",
        "\"iterations\": 9223372036854775808",
        "spec.iterations must be a whole number from 0 to 9223372036854775807, found"
            + " 9223372036854775808"
      },
      {
        "\"batchSize\": 8",
        "\"batchSize\": \"8\"",
        "spec.batchSize must be a whole number from 2 to 2147483647, found the string \"8\""
      },
      {
        "\"batchSize\": 8",
        "\"batchSize\": 3.5",
        "spec.batchSize must be a whole number from 2 to 2147483647, found 3.5"
      },
      {
        "\"batchSize\": 8",
        "\"batchSize\": null",
        "spec.batchSize must be a whole number from 2 to 2147483647, found null"
      },
      {"\"keep\": 3,", "", "keep is missing, expected a whole number from 1 to 2147483647"},
      {
        "\"sampleInterval\": 100",
        "\"sampleInterval\": -100",
        "sampleInterval must be a whole number from 1 to 2147483647, found -100"
      }
    };
    for (String[] edit : edits) {
      Path bad = copyRun(run, tmp.resolve("json-" + System.nanoTime()), edit[0], edit[1]);
      String message = bad.resolve("run.json") + ": unreadable run configuration (" + edit[2] + ")";
      Map<String, String> before = HostileRunFolderTest.snapshot(bad);
      Path png = tmp.resolve("never.png");
      assertFailure(
          cgan("generate", "--model", bad.toString(), "--digits", "1", "-o", png.toString()),
          Main.FAILED,
          message);
      assertFailure(cgan("train", "--resume", bad.toString()), Main.FAILED, message);
      assertFailure(
          cgan("export", "--model", bad.toString(), "--out", tmp.resolve("x").toString()),
          Main.FAILED,
          message);
      IOException e = assertThrows(IOException.class, () -> CganGenerator.load(bad));
      assertEquals(message, e.getMessage());
      assertEquals(before, HostileRunFolderTest.snapshot(bad), edit[1]);
      assertFalse(Files.exists(png));
      assertFalse(Files.exists(tmp.resolve("x")));
    }
  }

  /**
   * An export's cgan.json without its model, or describing another model than its graph (16×16
   * tiles for a graph that draws 8×8 images): named at load, exit 1, never a pixel-count error.
   */
  @Test
  void cganJsonThatIsIncompleteOrNotThisModelsIsNamed() throws Exception {
    Path export = run.resolve("saved_model");
    String json = Files.readString(export.resolve(ModelMetadata.FILE));
    String[][] edits = {
      {
        json.replaceAll("(?s)\"model\": \\{.*?},", ""),
        "unreadable metadata (model is missing, expected an object)"
      },
      {
        json.replace("\"imageSize\": 8", "\"imageSize\": 16"),
        "model.imageSize 16 and model.channels 1 do not fit the SavedModel's graph, whose"
            + " 'generate' signature draws images of shape [-1, 8, 8, 1]; the metadata does not"
            + " describe this model"
      },
      {
        json.replace("\"numClasses\": 3", "\"numClasses\": 10"),
        "model.numClasses 10 does not fit the SavedModel's graph, whose label_weights input has"
            + " shape [-1, 3]; the metadata does not describe this model"
      },
      {
        json.replace("\"iterations\": 2", "\"iterations\": 1e400000"),
        "unreadable metadata (iterations must be a whole number from 0 to 9223372036854775807,"
            + " found 1e400000)"
      }
    };
    for (String[] edit : edits) {
      assertFalse(edit[0].equals(json), edit[1]);
      Path copy = tmp.resolve("export-" + System.nanoTime());
      copyTree(export, copy);
      Files.writeString(copy.resolve(ModelMetadata.FILE), edit[0]);
      Map<String, String> before = HostileRunFolderTest.snapshot(copy);
      String message = copy.resolve(ModelMetadata.FILE) + ": " + edit[1];
      Path png = tmp.resolve("never.png");
      assertFailure(
          cgan("generate", "--model", copy.toString(), "--digits", "1", "-o", png.toString()),
          Main.FAILED,
          message);
      assertEquals(
          message, assertThrows(IOException.class, () -> CganGenerator.load(copy)).getMessage());
      assertEquals(before, HostileRunFolderTest.snapshot(copy));
      assertFalse(Files.exists(png));
    }
  }

  /**
   * Data that would not fit this machine's memory once TensorFlow has copied it into the graph is
   * refused from the files' headers, before it is read and before a run folder is made; here with a
   * limit a little below what 48 images need, in place of this machine's.
   */
  @Test
  void dataTooLargeForThisMachineIsRefusedBeforeAnythingIsWritten() throws Exception {
    DataSource source = DataSource.idxFolder(data);
    TrainingMemory need =
        TrainingMemory.of(
            CganConfig.reference().withNumClasses(3).withImageSize(8), 8, true, source.shape());
    long available = need.modelBytes() + need.dataBytes() / 2;
    Map<String, String> before = HostileRunFolderTest.snapshot(data);
    try (AutoCloseable limits =
        MemoryLimits.override(new MemoryLimits(1L << 40, 0, 1L << 40, available, "a test"))) {
      assertFailure(
          train("--data", data.toString(), "--classes", "3"),
          Main.FAILED,
          data.resolve("train-images-idx3-ubyte.gz")
              + ": training on 48 images of 28x28 needs about "
              + mib(need.nativeBytes())
              + " MiB of memory (TensorFlow keeps up to 21 copies of the data while it builds the"
              + " graph: "
              + mib(need.dataBytes())
              + " MiB), and this machine has "
              + (available >> 20)
              + " MiB available (a test); train on fewer images");
    }
    // The Java heap, for a JVM of 16 KiB.
    try (AutoCloseable limits =
        MemoryLimits.override(new MemoryLimits(16 << 10, 0, 16 << 10, 1L << 40, "a test"))) {
      assertFailure(
          train("--data", data.toString(), "--classes", "3"),
          Main.FAILED,
          data.resolve("train-images-idx3-ubyte.gz")
              + ": 48 images of 28x28 need about 1 MiB of Java heap to load, and this JVM has 0"
              + " MiB free of its 0 MiB maximum; raise it with -Xmx, or train on fewer images");
    }
    assertEquals(before, HostileRunFolderTest.snapshot(data));
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  @Test
  void anOutputFileWhoseFolderIsMissingOrNotAFolder() throws Exception {
    Path missing = tmp.resolve("missing-dir/x.png");
    assertFailure(
        cgan("generate", "--model", run.toString(), "--digits", "1", "-o", missing.toString()),
        Main.FAILED,
        "cannot write " + missing + ": directory " + missing.getParent() + " does not exist");

    Path file = Files.writeString(tmp.resolve("a-file"), "in the way");
    Path under = file.resolve("x.png");
    assertFailure(
        cgan("generate", "--model", run.toString(), "--digits", "1", "-o", under.toString()),
        Main.FAILED,
        "cannot write " + under + ": " + file + " is not a directory");

    // train --out under a file: named, and nothing is written.
    Path runUnder = file.resolve("run");
    assertFailure(
        train("--data", data.toString(), "--out", runUnder.toString()),
        Main.FAILED,
        runUnder + ": " + file + " is a file, where a folder was expected");
    assertEquals("in the way", Files.readString(file));
  }

  @Test
  void anOutputFolderThatIsNotWritable() throws Exception {
    assumeFalse("root".equals(System.getProperty("user.name")), "root writes anywhere");
    Path locked = Files.createDirectories(tmp.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assertFailure(
          cgan(
              "generate",
              "--model",
              run.toString(),
              "--digits",
              "1",
              "-o",
              locked.resolve("x.png").toString()),
          Main.FAILED,
          "cannot write " + locked.resolve("x.png") + ": directory " + locked + " is not writable");
      assertFailure(
          train("--data", data.toString(), "--out", locked.resolve("run").toString()),
          Main.FAILED,
          locked.resolve("run") + ": permission denied");
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void countsTheRunCannotUse() {
    assertFailure(
        train("--data", data.toString(), "--batch", "0"),
        Main.USAGE,
        "--batch must be at least 2 (BatchNorm needs a batch), got 0");
    assertFailure(
        train("--data", data.toString(), "--batch", "64"),
        Main.USAGE,
        "--batch 64 is larger than the data (48 images)");
    assertFailure(
        train("--data", data.toString(), "--epochs", "-1"),
        Main.USAGE,
        "--epochs must not be negative, got -1");
    assertFailure(
        train("--data", data.toString(), "--iterations", "-5"),
        Main.USAGE,
        "--iterations must not be negative, got -5");
    assertFailure(
        train("--data", data.toString(), "--keep", "0"),
        Main.USAGE,
        "--keep must be at least 1, got 0");
    assertFailure(
        train("--data", data.toString(), "--batch", "two"),
        Main.USAGE,
        "Invalid value for option '--batch': expected a whole number from -2147483648 to"
            + " 2147483647, got 'two'");
    assertFailure(
        cgan("train", "--resume", run.toString(), "--epochs", "-2"),
        Main.USAGE,
        "--epochs must not be negative, got -2");
  }

  @Test
  void averageOptionsOutOfRangeOrUnknownOrChangedOnResume() {
    assertFailure(
        train("--data", data.toString(), "--ema", "1"),
        Main.USAGE,
        "--ema must be in [0, 1) (0: no average), got 1.0");
    assertFailure(
        train("--data", data.toString(), "--ema", "-0.5"),
        Main.USAGE,
        "--ema must be in [0, 1) (0: no average), got -0.5");
    assertFailure(
        cgan(
            "generate",
            "--model",
            run.toString(),
            "--weights",
            "best",
            "--digits",
            "012",
            "-o",
            tmp.resolve("never.png").toString()),
        Main.USAGE,
        "--weights must be raw or ema, got 'best'");
    assertFailure(
        cgan("train", "--resume", run.toString(), "--ema", "0.99"),
        Main.USAGE,
        "--ema cannot change when a run is resumed");
  }

  /**
   * A run whose run.json was written before the average (no emaDecay) trained without one: it
   * resumes as such, and generates and exports its raw weights; asking for the average is refused.
   */
  @Test
  void aRunFromBeforeTheAverageResumesAndGivesItsRawWeights() throws Exception {
    Path old = tmp.resolve("old-run");
    CliTest.Outcome trained =
        cgan(
            "train",
            "--data",
            data.toString(),
            "--out",
            old.toString(),
            "--iterations",
            "2",
            "--batch",
            "8",
            "--img-size",
            "8",
            "--ema",
            "0");
    assertEquals(Main.OK, trained.code(), trained.err());
    Path json = old.resolve(RunFolder.CONFIG);
    String text = Files.readString(json);
    String without = text.replaceAll(",\\s*\"emaDecay\": 0\\.0", "");
    assertFalse(without.equals(text) || without.contains("emaDecay"), without);
    Files.writeString(json, without);
    CliTest.Outcome resumed = cgan("train", "--resume", old.toString(), "--iterations", "4");
    assertEquals(Main.OK, resumed.code(), resumed.err());
    Path png = tmp.resolve("old-run.png");
    CliTest.Outcome g =
        cgan("generate", "--model", old.toString(), "--digits", "012", "-o", png.toString());
    assertEquals(Main.OK, g.code(), g.err());
    assertEquals(
        "raw",
        dev.cgan.serve.ModelMetadata.read(old.resolve("saved_model")).weights(),
        "the run's own export");
    assertFailure(
        cgan(
            "generate",
            "--model",
            old.toString(),
            "--weights",
            "ema",
            "--digits",
            "012",
            "-o",
            png.toString()),
        Main.FAILED,
        old + " keeps no averaged generator");
  }

  @Test
  void resumeOnSomethingThatIsNotACompatibleRun() throws Exception {
    assertFailure(
        cgan("train", "--resume", data.toString()),
        Main.FAILED,
        data + " is not a training run (no run.json)");
    Path missing = tmp.resolve("no-such-run");
    assertFailure(
        cgan("train", "--resume", missing.toString()), Main.FAILED, missing + " does not exist");
    assertThrows(IOException.class, () -> RunFolder.open(data));

    // Its data now has labels the network has no class for.
    Path moreClasses = tmp.resolve("data-more-classes");
    byte[] relabelled = labels.clone();
    relabelled[5] = 7;
    writeSet(moreClasses, pixels, relabelled);
    Path runA =
        copyRun(
            run,
            tmp.resolve("run-more-classes"),
            DataSource.idxFolder(data).id(),
            DataSource.idxFolder(moreClasses).id());
    assertFailure(
        cgan("train", "--resume", runA.toString()),
        Main.FAILED,
        moreClasses + ": labels go up to 7, expected 0..2 for 3 classes");

    // Its data now has another number of images: the checkpointed epoch order no longer fits.
    Path fewer = tmp.resolve("data-fewer");
    writeSet(fewer, Arrays.copyOf(pixels, 40 * SIDE * SIDE), Arrays.copyOf(labels, 40));
    Path runB =
        copyRun(
            run,
            tmp.resolve("run-fewer"),
            DataSource.idxFolder(data).id(),
            DataSource.idxFolder(fewer).id());
    assertFailure(
        cgan("train", "--resume", runB.toString()),
        Main.FAILED,
        "checkpoint "
            + runB.resolve("checkpoints/ckpt-2")
            + " does not fit the network and data of "
            + runB.resolve("run.json")
            + ": ");
    assertEquals(List.of("ckpt-2"), RunFolder.open(runB).checkpoints().list());
  }

  @Test
  void aDivergingRunStopsWithAClearMessage() {
    CliTest.Outcome o =
        cgan(
            "train",
            "--data",
            data.toString(),
            "--out",
            tmp.resolve("diverged").toString(),
            "--iterations",
            "50",
            "--batch",
            "8",
            "--img-size",
            "8",
            "--lr",
            "1e10",
            "--checkpoint-interval",
            "1");
    assertEquals(Main.FAILED, o.code(), o.err());
    assertTrue(
        o.err()
            .strip()
            .matches(
                "error: training diverged at iteration \\d+ \\(d_loss .+, g_loss .+\\); "
                    + "the last good checkpoint is (none|ckpt-\\d+)"),
        o.err());
    assertEquals(1, o.err().strip().lines().count(), o.err());
  }

  // ---- helpers -----------------------------------------------------------------------------

  static CliTest.Outcome cgan(String... args) {
    return CliTest.cgan(args);
  }

  /**
   * {@code train} of a tiny model (unless {@code args} say otherwise) into a fresh folder that, as
   * the command fails, must stay absent.
   */
  private static CliTest.Outcome train(String... args) {
    List<String> given = Arrays.asList(args);
    List<String> all = new ArrayList<>(List.of("train"));
    Path out = tmp.resolve("never-" + System.nanoTime());
    if (!given.contains("--out")) {
      all.addAll(List.of("--out", out.toString()));
    }
    if (!given.contains("--iterations") && !given.contains("--epochs")) {
      all.addAll(List.of("--iterations", "2"));
    }
    if (!given.contains("--batch")) {
      all.addAll(List.of("--batch", "8"));
    }
    all.addAll(List.of("--img-size", "8"));
    all.addAll(given);
    CliTest.Outcome o = cgan(all.toArray(String[]::new));
    assertFalse(Files.exists(out), "a failed train wrote " + out);
    return o;
  }

  /** Both ways in: {@code train --images --labels} and {@link LabeledImages#read}. */
  private static void assertData(Path images, Path labelFile, String message) {
    assertFailure(
        train("--images", images.toString(), "--labels", labelFile.toString()),
        Main.FAILED,
        message);
    InvalidDataException e =
        assertThrows(InvalidDataException.class, () -> LabeledImages.read(images, labelFile));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }

  /**
   * The exit code, and a message of one line, "error: " and then text starting with {@code
   * message}; a usage error may add picocli's "Try ... --help" hint. Never a stack trace.
   */
  static void assertFailure(CliTest.Outcome o, int code, String message) {
    assertEquals(code, o.code(), o.err());
    List<String> lines = o.err().strip().lines().toList();
    assertTrue(
        lines.get(0).startsWith("error: " + message),
        "expected 'error: " + message + "...', got:\n" + o.err());
    boolean hint =
        lines.size() == 2
            && lines.get(1).startsWith("Try '")
            && lines.get(1).endsWith("--help' for usage.");
    assertTrue(lines.size() == 1 || (code == Main.USAGE && hint), o.err());
    assertFalse(o.err().contains("\tat "), o.err());
  }

  private static void writeSet(Path dir, byte[] images, byte[] classes) throws IOException {
    IdxWriter.writeUbyte(
        dir.resolve("train-images-idx3-ubyte.gz"),
        images,
        new int[] {classes.length, SIDE, SIDE},
        true);
    IdxWriter.writeUbyte(
        dir.resolve("train-labels-idx1-ubyte"), classes, new int[] {classes.length}, false);
  }

  private static Path labelsFile(String name) throws IOException {
    Path p = tmp.resolve(name);
    IdxWriter.writeUbyte(p, labels, new int[] {N}, false);
    return p;
  }

  private static Path write(String name, byte[] bytes) throws IOException {
    return Files.write(tmp.resolve(name), bytes);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  private static int indexOf(byte[] b, int value) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == value) {
        return i;
      }
    }
    throw new IllegalArgumentException("no " + value);
  }

  /** A copy of a run folder with one string of its run.json replaced. */
  static Path copyRun(Path from, Path to, String find, String replace) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    Path json = to.resolve(RunFolder.CONFIG);
    String text = Files.readString(json);
    assertTrue(text.contains(find), text);
    Files.writeString(json, text.replace(find, replace));
    return to;
  }
}
