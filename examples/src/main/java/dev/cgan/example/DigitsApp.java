package dev.cgan.example;

import dev.cgan.image.Png;
import dev.cgan.serve.CganGenerator;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * The README's library example as a program: draws a digit string with a trained model.
 *
 * <pre>java -cp ... dev.cgan.example.DigitsApp run/saved_model 2026112701 out.png</pre>
 */
public final class DigitsApp {
  private DigitsApp() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: DigitsApp MODEL_DIR DIGITS OUT.png");
      System.exit(2);
    }
    try (CganGenerator g = CganGenerator.load(Path.of(args[0]))) {
      BufferedImage strip = g.renderDigits(args[1], 7L);
      float[][] raw = g.generate(new int[] {3, 1, 4}, 7L);
      Png.write(strip, Path.of(args[2]));
      System.out.printf(
          "%s: %d×%d strip; raw images: %d of %d values%n",
          args[2], strip.getWidth(), strip.getHeight(), raw.length, raw[0].length);
    }
  }
}
