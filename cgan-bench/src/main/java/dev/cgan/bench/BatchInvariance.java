package dev.cgan.bench;

import dev.cgan.serve.CganGenerator;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Result;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Whether the generator draws a row alike alone and within a batch (not a test: the answer depends
 * on the CPU's kernels): 20 batches of 1 to 32 random rows through {@code serving_default}, each
 * row again alone, the float images compared bit for bit. Why {@code serve --batching} merges only
 * identical requests.
 *
 * <pre>
 * java -cp cgan-cli/target/cgan-cli.jar dev.cgan.bench.BatchInvariance MODEL
 * </pre>
 */
public final class BatchInvariance {
  private BatchInvariance() {}

  public static void main(String[] args) throws Exception {
    try (CganGenerator g = CganGenerator.load(Path.of(args[0]))) {
      int latent = g.config().latentDim();
      Random random = new Random(1);
      int rows = 0;
      int differ = 0;
      for (int trial = 0; trial < 20; trial++) {
        int n = 1 + random.nextInt(32);
        int[] labels = new int[n];
        float[][] noise = new float[n][latent];
        for (int i = 0; i < n; i++) {
          labels[i] = random.nextInt(g.config().numClasses());
          for (int j = 0; j < latent; j++) {
            noise[i][j] = (float) random.nextGaussian();
          }
        }
        float[] batch = images(g, labels, noise);
        for (int i = 0; i < n; i++) {
          float[] alone = images(g, new int[] {labels[i]}, new float[][] {noise[i]});
          rows++;
          for (int k = 0; k < alone.length; k++) {
            if (Float.floatToIntBits(alone[k])
                != Float.floatToIntBits(batch[i * alone.length + k])) {
              differ++;
              break;
            }
          }
        }
      }
      System.out.printf(
          "%d of %d rows differ between a batch of 1 to 32 and alone (bit for bit)%n",
          differ, rows);
    }
  }

  private static float[] images(CganGenerator g, int[] labels, float[][] noise) {
    try (TInt32 l = TInt32.vectorOf(labels);
        TFloat32 z = TFloat32.tensorOf(StdArrays.ndCopyOf(noise));
        Result r = g.call("serving_default", Map.of("labels", l, "noise", z))) {
      TFloat32 images = (TFloat32) r.get("images").get();
      float[] out = new float[(int) images.size()];
      images.copyTo(NdArrays.wrap(images.shape(), DataBuffers.of(out, false, false)));
      return out;
    }
  }
}
