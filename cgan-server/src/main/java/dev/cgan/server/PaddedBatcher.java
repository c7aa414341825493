package dev.cgan.server;

import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.Noise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * {@code serve --batching} for requests that differ: the rows of concurrent {@code generate},
 * {@code serving_default} and {@code generate_mixed} predicts are concatenated, padded to exactly
 * {@code size} rows (TF Serving's {@code allowed_batch_sizes}, with one size), run once through
 * {@code generate_mixed} (one-hot label weights for labels) and split.
 *
 * <p>Why a fixed size: a row's images depend on the batch size (oneDNN takes other kernels for a
 * batch of 1 than for 2, and with AVX2 other row blocks for some sizes), but at one size, on this
 * machine, a row's bits do not depend on its position or on the other rows, which {@link #check}
 * verifies when the server starts. So a request gets the same bits alone (padded) or merged. A
 * {@code generate} request's noise is what its own seed draws for its own labels ({@link
 * CganGenerator#latents}, the op {@code generate} runs), so merged answers are {@code generate}'s
 * images computed at batch {@code size}: equal to the unbatched answer up to the last bits.
 *
 * <p>One run at a time per version: the first request finding no run under way runs the batch
 * (waiting up to the timeout for it to fill), the others wait; rows that do not fit go into the
 * next run, so a request larger than {@code size} spans several runs.
 */
final class PaddedBatcher {
  /** The signature every merged run goes through. */
  static final String MIXED = "generate_mixed";

  private final CganGenerator generator;
  private final int size;
  private final long timeoutNanos;
  private final LongConsumer onRun;
  private final LongConsumer requestsPerRun;
  private final int latent;
  private final int classes;
  private final Object lock = new Object();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int queuedRows;
  private boolean running;
  // Touched only by the thread holding "running".
  private final float[] noiseIn;
  private final float[] weightsIn;

  /** One request's rows: its inputs, the outputs filled as runs finish. */
  private static final class Pending {
    final int rows;
    final float[] noise;
    final float[] weights;
    float[] images;
    byte[] pixels;
    long[] imageShape;
    int taken;
    int done;
    RuntimeException failure;

    Pending(int rows, float[] noise, float[] weights) {
      this.rows = rows;
      this.noise = noise;
      this.weights = weights;
    }

    boolean finished() {
      return failure != null || done == rows;
    }
  }

  /** Rows {@code from} to {@code from + count} of a request, at {@code at} in a run. */
  private record Slice(Pending request, int from, int count, int at) {}

  /**
   * @param onRun told the rows of each run ({@code size})
   * @param requestsPerRun told how many requests had rows in each run
   */
  PaddedBatcher(
      CganGenerator generator,
      int size,
      long timeoutMicros,
      LongConsumer onRun,
      LongConsumer requestsPerRun) {
    this.generator = generator;
    this.size = size;
    this.timeoutNanos = timeoutMicros * 1000;
    this.onRun = onRun;
    this.requestsPerRun = requestsPerRun;
    this.latent = generator.config().latentDim();
    this.classes = generator.config().numClasses();
    this.noiseIn = new float[size * latent];
    this.weightsIn = new float[size * classes];
  }

  /** Whether the model has what merging needs: the mixed signature and the noise of a seed. */
  static boolean possible(CganGenerator generator) {
    return generator.signatures().containsKey(MIXED)
        && generator.signatures().containsKey("generate_styled");
  }

  /** Whether requests of signature {@code key} are merged here. */
  static boolean merges(String key) {
    return key.equals("generate") || key.equals(Predict.DEFAULT_SIGNATURE) || key.equals(MIXED);
  }

  /**
   * Checks that, on this machine and model, a row's bits at batch {@code size} depend neither on
   * its position nor on the other rows: one row at every position (64 of them for larger sizes)
   * among random rows, twice, against the row at position 0.
   *
   * @throws IllegalArgumentException naming the size and the first position that differs
   */
  void check() {
    Random random = new Random(1);
    float[] row = randomRows(1, random);
    float[] rowWeights = oneHot(new int[] {random.nextInt(classes)});
    float[] referenceImages = null;
    byte[] referencePixels = null;
    int positions = Math.min(size, 64);
    for (int k = 0; k < positions * 2; k++) {
      int at = (int) ((long) (k % positions) * (size - 1) / Math.max(positions - 1, 1));
      float[] noise = randomRows(size, random);
      int[] labels = new int[size];
      for (int i = 0; i < size; i++) {
        labels[i] = random.nextInt(classes);
      }
      float[] weights = oneHot(labels);
      System.arraycopy(row, 0, noise, at * latent, latent);
      System.arraycopy(rowWeights, 0, weights, at * classes, classes);
      Outputs out = runMixed(noise, weights);
      float[] images = Arrays.copyOfRange(out.images(), at * out.per(), (at + 1) * out.per());
      byte[] pixels = Arrays.copyOfRange(out.pixels(), at * out.per(), (at + 1) * out.per());
      if (referenceImages == null) {
        referenceImages = images;
        referencePixels = pixels;
      } else if (!Arrays.equals(referenceImages, images)
          || !Arrays.equals(referencePixels, pixels)) {
        throw new IllegalArgumentException(
            "batching at "
                + size
                + " rows cannot keep answers exact on this machine: a row's images at row "
                + at
                + " of "
                + size
                + " differ from the same row's at row 0 (the kernels treat rows unalike);"
                + " choose another --max-batch-size (java -cp cgan-cli.jar"
                + " dev.cgan.bench.BatchInvariance MODEL SIZES lists the sizes that hold)");
      }
    }
  }

  private float[] randomRows(int n, Random random) {
    float[] z = new float[n * latent];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) random.nextGaussian();
    }
    return z;
  }

  /** Every row's images and pixels of one run, {@code per} values a row, and the images' shape. */
  private record Outputs(long[] shape, int per, float[] images, byte[] pixels) {}

  /**
   * One run of {@code size} rows of {@code noise} and {@code weights} through the mixed signature.
   */
  private Outputs runMixed(float[] noise, float[] weights) {
    try (TFloat32 z =
            TFloat32.tensorOf(Shape.of(size, latent), DataBuffers.of(noise, true, false));
        TFloat32 w =
            TFloat32.tensorOf(Shape.of(size, classes), DataBuffers.of(weights, true, false));
        Result r = generator.call(MIXED, Map.of("noise", z, "label_weights", w))) {
      TFloat32 images = (TFloat32) r.get("images").get();
      TUint8 pixels = (TUint8) r.get("pixels").get();
      int per = (int) (images.shape().size() / size);
      float[] f = new float[size * per];
      byte[] b = new byte[size * per];
      images.copyTo(DataBuffers.of(f, false, false));
      pixels.copyTo(DataBuffers.of(b, false, false));
      return new Outputs(images.shape().asArray(), per, f, b);
    }
  }

  private float[] oneHot(int[] labels) {
    float[] w = new float[labels.length * classes];
    for (int i = 0; i < labels.length; i++) {
      w[i * classes + labels[i]] = 1f;
    }
    return w;
  }

  /**
   * The outputs of signature {@code key} (one that {@link #merges}) on {@code inputs} of {@code
   * rows} items, checked by {@link Predict}: {@code images}, and {@code pixels} unless the
   * signature is {@code serving_default}.
   */
  Map<String, TensorJson.Dense> infer(String key, Map<String, TensorJson.Dense> inputs, int rows) {
    float[] noise;
    float[] weights;
    if (key.equals(MIXED)) {
      noise = (float[]) inputs.get("noise").values();
      weights = (float[]) inputs.get("label_weights").values();
    } else {
      int[] labels = (int[]) inputs.get("labels").values();
      weights = oneHot(labels);
      noise =
          key.equals("generate")
              ? flat(
                  generator.latents(
                      labels, ((long[]) inputs.get("seed").values())[0], Noise.independent()))
              : (float[]) inputs.get("noise").values();
    }
    Pending p = submit(new Pending(rows, noise, weights));
    Map<String, TensorJson.Dense> out = new TreeMap<>();
    out.put("images", new TensorJson.Dense(DataType.DT_FLOAT, p.imageShape, p.images));
    if (!key.equals(Predict.DEFAULT_SIGNATURE)) {
      out.put("pixels", new TensorJson.Dense(DataType.DT_UINT8, p.imageShape, p.pixels));
    }
    return out;
  }

  private static float[] flat(float[][] rows) {
    int per = rows[0].length;
    float[] out = new float[rows.length * per];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * per, per);
    }
    return out;
  }

  /** Queues the request and returns once all its rows have run, running batches meanwhile. */
  private Pending submit(Pending p) {
    boolean interrupted = false;
    synchronized (lock) {
      queue.add(p);
      queuedRows += p.rows;
      lock.notifyAll();
    }
    while (true) {
      List<Slice> batch;
      synchronized (lock) {
        while (running && !p.finished()) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            // The rows are queued and will run; the answer is still wanted.
            interrupted = true;
          }
        }
        if (p.finished()) {
          break;
        }
        running = true;
        interrupted |= awaitRows();
        batch = take();
      }
      RuntimeException failure = null;
      try {
        run(batch);
      } catch (RuntimeException e) {
        failure = e;
      }
      synchronized (lock) {
        for (Slice s : batch) {
          if (failure == null) {
            s.request().done += s.count();
          } else if (s.request().failure == null) {
            s.request().failure = failure;
            if (queue.remove(s.request())) {
              queuedRows -= s.request().rows - s.request().taken;
            }
          }
        }
        running = false;
        lock.notifyAll();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (p.failure != null) {
      throw p.failure;
    }
    return p;
  }

  /** One run of {@code size} rows, the slices' rows first, then zeros; outputs copied out. */
  private void run(List<Slice> batch) {
    int rows = 0;
    for (Slice s : batch) {
      System.arraycopy(
          s.request().noise, s.from() * latent, noiseIn, s.at() * latent, s.count() * latent);
      System.arraycopy(
          s.request().weights,
          s.from() * classes,
          weightsIn,
          s.at() * classes,
          s.count() * classes);
      rows = s.at() + s.count();
    }
    // Any padding gives these rows the same bits (check()); zeros keep runs reproducible.
    Arrays.fill(noiseIn, rows * latent, noiseIn.length, 0f);
    Arrays.fill(weightsIn, rows * classes, weightsIn.length, 0f);
    onRun.accept(size);
    requestsPerRun.accept(batch.size());
    Outputs out = runMixed(noiseIn, weightsIn);
    int per = out.per();
    for (Slice s : batch) {
      Pending p = s.request();
      if (p.images == null) {
        p.imageShape = out.shape().clone();
        p.imageShape[0] = p.rows;
        p.images = new float[p.rows * per];
        p.pixels = new byte[p.rows * per];
      }
      System.arraycopy(out.images(), s.at() * per, p.images, s.from() * per, s.count() * per);
      System.arraycopy(out.pixels(), s.at() * per, p.pixels, s.from() * per, s.count() * per);
    }
  }

  /** Holding the lock: waits up to the timeout for a full batch; true if interrupted. */
  private boolean awaitRows() {
    long end = System.nanoTime() + timeoutNanos;
    for (long left = end - System.nanoTime();
        left > 0 && queuedRows < size;
        left = end - System.nanoTime()) {
      try {
        lock.wait(left / 1_000_000, (int) (left % 1_000_000));
      } catch (InterruptedException e) {
        return true;
      }
    }
    return false;
  }

  /** Holding the lock: up to {@code size} rows from the head of the queue. */
  private List<Slice> take() {
    List<Slice> batch = new ArrayList<>();
    int at = 0;
    while (at < size && !queue.isEmpty()) {
      Pending head = queue.peek();
      int count = Math.min(size - at, head.rows - head.taken);
      batch.add(new Slice(head, head.taken, count, at));
      head.taken += count;
      at += count;
      queuedRows -= count;
      if (head.taken == head.rows) {
        queue.poll();
      }
    }
    return batch;
  }
}
