package dev.cgan.example;

import dev.cgan.data.DataSource;
import dev.cgan.data.ImageFolderOptions;
import dev.cgan.image.Png;
import dev.cgan.model.CganConfig;
import dev.cgan.run.RunSettings;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.RunProducts;
import dev.cgan.train.TrainingRun;
import java.nio.file.Path;

/**
 * The README's "Your own images" from Java: trains on a folder of images per class (grey or colour,
 * any size), then draws every class once by name.
 *
 * <pre>java -cp ... dev.cgan.example.FolderApp PICTURES RUN ITERATIONS</pre>
 */
public final class FolderApp {
  private FolderApp() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: FolderApp IMAGES_DIR RUN_DIR ITERATIONS");
      System.exit(2);
    }
    int size = 32;
    ImageFolderOptions options = ImageFolderOptions.defaults().withSize(size); // crop, auto colour
    RunSettings settings =
        RunSettings.builder(DataSource.imageFolder(Path.of(args[0]), options))
            .network(CganConfig.reference().withImageSize(size))
            .iterations(Long.parseLong(args[2]))
            .build(); // class names and channels come from the folder
    Path run = Path.of(args[1]);
    try (TrainingRun training = TrainingRun.create(run, settings)) {
      training.train();
    }
    RunProducts.write(run); // result.png and saved_model/ (cgan.json: channels, class names)
    try (CganGenerator g = CganGenerator.load(run.resolve("saved_model"))) {
      int[] every = new int[g.config().numClasses()];
      for (int i = 0; i < every.length; i++) {
        every[i] = i;
      }
      Png.write(g.render(every, 7L), run.resolve("classes.png"));
      System.out.printf("%s: one of each of %s%n", run.resolve("classes.png"), g.classNames());
    }
  }
}
