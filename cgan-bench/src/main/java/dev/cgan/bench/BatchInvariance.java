package dev.cgan.bench;

import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.Noise;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Result;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * Whether a row's generator output depends on the batch it is drawn in (not a test: the answer
 * depends on the CPU's kernels), through {@code generate_mixed} with one-hot label weights, the
 * signature {@code serve --batching} runs merged requests through. Four questions, each answered
 * bit for bit on the float images and the pixels:
 *
 * <ol>
 *   <li>a row within a batch of 1 to 32 against the row alone;
 *   <li>at a fixed batch size: a row against the same row at another position among other rows;
 *   <li>between two batch sizes: a row in a batch of one size against a batch of the other;
 *   <li>the noise a seed draws for n labels against the first n rows of what it draws for more.
 * </ol>
 *
 * <pre>
 * java -cp cgan-cli/target/cgan-cli.jar dev.cgan.bench.BatchInvariance MODEL [SIZES, default 8,16,32,64]
 * </pre>
 */
public final class BatchInvariance {
  private BatchInvariance() {}

  /** A batch's rows: the float images and the pixels, one array per row. */
  private record Rows(float[][] images, byte[][] pixels) {
    boolean same(int i, Rows other, int j) {
      return Arrays.equals(images[i], other.images[j]) && Arrays.equals(pixels[i], other.pixels[j]);
    }
  }

  public static void main(String[] args) throws Exception {
    int[] sizes =
        Arrays.stream((args.length > 1 ? args[1] : "8,16,32,64").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    try (CganGenerator g = CganGenerator.load(Path.of(args[0]))) {
      Random random = new Random(1);
      int rows = 0, differ = 0;
      for (int trial = 0; trial < 20; trial++) {
        float[][] z = rows(g, 1 + random.nextInt(32), random);
        Rows batch = run(g, z);
        for (int i = 0; i < z.length; i++) {
          rows++;
          differ += run(g, new float[][] {z[i]}).same(0, batch, i) ? 0 : 1;
        }
      }
      System.out.printf(
          "alone against within a batch of 1 to 32: %d of %d rows differ%n", differ, rows);

      for (int size : sizes) {
        rows = 0;
        differ = 0;
        for (int trial = 0; trial < 20; trial++) {
          float[][] z = rows(g, size, random);
          Rows a = run(g, z);
          // The same rows at other positions, half of them beside other rows.
          List<Integer> order = new ArrayList<>();
          for (int i = 0; i < size; i++) {
            order.add(i);
          }
          Collections.shuffle(order, random);
          float[][] fresh = rows(g, size, random);
          float[][] moved = new float[size][];
          for (int j = 0; j < size; j++) {
            int i = order.get(j);
            moved[j] = i % 2 == 0 ? z[i] : fresh[j];
          }
          Rows b = run(g, moved);
          for (int j = 0; j < size; j++) {
            int i = order.get(j);
            if (i % 2 == 0) {
              rows++;
              differ += a.same(i, b, j) ? 0 : 1;
            }
          }
        }
        System.out.printf(
            "batch of %d, rows moved and among other rows: %d of %d rows differ%n",
            size, differ, rows);
      }

      for (int s = 0; s + 1 < sizes.length; s++) {
        for (int t = s + 1; t < sizes.length; t++) {
          rows = 0;
          differ = 0;
          for (int trial = 0; trial < 10; trial++) {
            float[][] big = rows(g, sizes[t], random);
            Rows a = run(g, Arrays.copyOf(big, sizes[s]));
            Rows b = run(g, big);
            for (int i = 0; i < sizes[s]; i++) {
              rows++;
              differ += a.same(i, b, i) ? 0 : 1;
            }
          }
          System.out.printf(
              "batch of %d against batch of %d: %d of %d rows differ%n",
              sizes[s], sizes[t], differ, rows);
        }
      }

      rows = 0;
      differ = 0;
      for (int trial = 0; trial < 50; trial++) {
        long seed = random.nextLong();
        int n = 1 + random.nextInt(64);
        float[][] few = g.latents(new int[n], seed, Noise.independent());
        float[][] many = g.latents(new int[n + 1 + random.nextInt(200)], seed, Noise.independent());
        for (int i = 0; i < n; i++) {
          rows++;
          differ += Arrays.equals(few[i], many[i]) ? 0 : 1;
        }
      }
      System.out.printf(
          "noise of (seed, n) against the first n rows of (seed, more): %d of %d rows differ%n",
          differ, rows);
    }
  }

  /** Random one-hot labels are drawn in {@link #run}; these are the noise rows. */
  private static float[][] rows(CganGenerator g, int n, Random random) {
    int latent = g.config().latentDim();
    int classes = g.config().numClasses();
    float[][] z = new float[n][latent + 1];
    for (float[] row : z) {
      for (int j = 0; j < latent; j++) {
        row[j] = (float) random.nextGaussian();
      }
      row[latent] = random.nextInt(classes);
    }
    return z;
  }

  /** Each row: latent values, then its class in the last column. */
  private static Rows run(CganGenerator g, float[][] z) {
    int latent = g.config().latentDim();
    float[][] noise = new float[z.length][];
    float[][] weights = new float[z.length][g.config().numClasses()];
    for (int i = 0; i < z.length; i++) {
      noise[i] = Arrays.copyOf(z[i], latent);
      weights[i][(int) z[i][latent]] = 1f;
    }
    try (TFloat32 n = TFloat32.tensorOf(StdArrays.ndCopyOf(noise));
        TFloat32 w = TFloat32.tensorOf(StdArrays.ndCopyOf(weights));
        Result r = g.call("generate_mixed", Map.of("noise", n, "label_weights", w))) {
      TFloat32 images = (TFloat32) r.get("images").get();
      TUint8 pixels = (TUint8) r.get("pixels").get();
      int per = (int) (images.size() / z.length);
      float[] f = new float[(int) images.size()];
      byte[] p = new byte[(int) pixels.size()];
      images.copyTo(NdArrays.wrap(images.shape(), DataBuffers.of(f, false, false)));
      pixels.copyTo(NdArrays.wrap(pixels.shape(), DataBuffers.of(p, false, false)));
      float[][] fi = new float[z.length][];
      byte[][] pi = new byte[z.length][];
      for (int i = 0; i < z.length; i++) {
        fi[i] = Arrays.copyOfRange(f, i * per, (i + 1) * per);
        pi[i] = Arrays.copyOfRange(p, i * per, (i + 1) * per);
      }
      return new Rows(fi, pi);
    }
  }
}
