package dev.cgan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.data.DataSource;
import dev.cgan.data.FolderListing;
import dev.cgan.data.ImageFolderOptions;
import dev.cgan.data.InvalidDataException;
import dev.cgan.data.MnistDownloader;
import dev.cgan.image.Png;
import dev.cgan.model.CganConfig;
import dev.cgan.run.RunFolder;
import dev.cgan.run.RunSettings;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.ModelMetadata;
import dev.cgan.serve.RunProducts;
import dev.cgan.train.internal.TensorBoardEvents;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/**
 * A run on a folder of coloured shapes through the library: create, train, resume, products,
 * generator; the class names and channels everywhere; the folder untouched; a changed folder
 * refused on resume.
 */
class ImageFolderRunTest {
  @TempDir Path tmp;

  private RunSettings settings(Path images) {
    ImageFolderOptions options =
        ImageFolderOptions.defaults().withSize(16).withCacheDir(tmp.resolve("cache"));
    return RunSettings.builder(DataSource.imageFolder(images, options))
        .network(CganConfig.reference().withImageSize(16))
        .iterations(4)
        .batchSize(8)
        .sampleInterval(2)
        .logInterval(2)
        .build();
  }

  @Test
  void aColourFolderTrainsResumesAndExportsWithItsClassNames() throws Exception {
    Path images = ColourFolders.write(tmp.resolve("shapes"), 8, 1);
    Map<String, String> before = ColourFolders.snapshot(images);
    Path dir = tmp.resolve("run");
    try (TrainingRun run = TrainingRun.create(dir, settings(images))) {
      assertEquals(3, run.data().channels());
      assertEquals(24, run.data().count());
      run.train();
    }
    RunProducts.write(dir);
    RunFolder folder = RunFolder.open(dir);
    assertEquals(List.of(ColourFolders.SHAPES), folder.settings().classNames());
    assertEquals(3, folder.settings().network().channels());
    assertEquals(24, FolderListing.read(folder.dataListing()).count());
    BufferedImage grid = Png.read(folder.sampleGrid(4));
    assertEquals(3 * 16, grid.getWidth());
    assertTrue(ColourFolders.hasColour(grid), "the sample grid is in colour");
    assertTrue(ColourFolders.hasColour(Png.read(folder.resultImage())));
    assertTrue(hasColourImageEvent(folder.tensorBoardDir()), "TensorBoard has an RGB grid");

    try (TrainingRun run =
        TrainingRun.resume(
            dir, ResumeOptions.none().iterations(6), MnistDownloader.Progress.NONE)) {
      assertEquals(6, run.train().iterations());
    }
    RunProducts.write(dir);
    ModelMetadata meta = ModelMetadata.read(folder.savedModelDir());
    assertEquals(3, meta.model().channels());
    assertEquals(List.of(ColourFolders.SHAPES), meta.classNames());
    try (CganGenerator g = CganGenerator.load(folder.savedModelDir())) {
      assertEquals(List.of(ColourFolders.SHAPES), g.classNames());
      assertEquals(2 * 16 * 16 * 3, g.pixels(new int[] {0, 2}, 7).length);
      BufferedImage strip = g.render(new int[] {0, 1, 2}, 7);
      assertEquals(BufferedImage.TYPE_3BYTE_BGR, strip.getType());
      assertEquals(48, strip.getWidth());
    }
    assertEquals(before, ColourFolders.snapshot(images), "nothing was written into the folder");
  }

  @Test
  void aResumeOnAChangedFolderIsRefusedUnlessAllowed() throws Exception {
    Path images = ColourFolders.write(tmp.resolve("shapes"), 6, 2);
    Path dir = tmp.resolve("run");
    try (TrainingRun run =
        TrainingRun.create(dir, settings(images).toBuilder().iterations(2).build())) {
      run.train();
    }
    Path extra = images.resolve("square/new.png");
    Files.copy(images.resolve("square/000.png"), extra);
    Path touched = images.resolve("circle/001.png");
    Files.setLastModifiedTime(touched, FileTime.fromMillis(1_000_000));
    DataChangedException e =
        assertThrows(DataChangedException.class, () -> TrainingRun.resume(dir).close());
    assertEquals(1, e.changes().added());
    assertEquals(0, e.changes().removed());
    assertEquals(1, e.changes().modified());
    assertTrue(
        e.getMessage().contains("1 added, 0 removed, 1 modified (e.g. added square/new.png)"),
        e.getMessage());
    ResumeOptions allow = ResumeOptions.none().iterations(4).allowChangedData(true);
    InvalidDataException count =
        assertThrows(
            InvalidDataException.class,
            () -> TrainingRun.resume(dir, allow, MnistDownloader.Progress.NONE).close());
    assertTrue(count.getMessage().contains("has 19 image files where the run began with 18"));
    Files.delete(extra);
    try (TrainingRun run = TrainingRun.resume(dir, allow, MnistDownloader.Progress.NONE)) {
      assertEquals(4, run.train().iterations());
    }
    assertFalse(
        FolderListing.read(RunFolder.open(dir).dataListing())
                .changesSince(dev.cgan.data.ImageFolderReader.scan(images))
                .modified()
            > 0,
        "the run keeps the folder's listing as it now is");
    try (TrainingRun run = TrainingRun.resume(dir)) {
      assertEquals(4, run.settings().iterations());
    }
  }

  @Test
  void classNamesGivenMustMatchTheFolders() throws Exception {
    Path images = ColourFolders.write(tmp.resolve("shapes"), 4, 3);
    RunSettings s = settings(images).toBuilder().classNames(List.of("a", "b")).build();
    Path dir = tmp.resolve("run");
    var e = assertThrows(dev.cgan.InvalidSettingException.class, () -> TrainingRun.create(dir, s));
    assertEquals("classNames", e.setting());
    assertFalse(Files.exists(dir), "nothing written");
    RunSettings named =
        settings(images).toBuilder()
            .classNames(List.of("ball", "box", "roof"))
            .iterations(1)
            .build();
    try (TrainingRun run = TrainingRun.create(dir, named)) {
      assertEquals(List.of("ball", "box", "roof"), run.settings().classNames());
    }
  }

  private static boolean hasColourImageEvent(Path dir) throws Exception {
    for (Event e : TensorBoardEvents.readAll(dir)) {
      for (Summary.Value v : e.getSummary().getValueList()) {
        if (v.hasImage() && v.getImage().getColorspace() == 3) {
          return true;
        }
      }
    }
    return false;
  }
}
