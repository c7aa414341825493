package dev.cgan.train.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.op.summary.WriteImageSummary;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * TensorBoard event files of a run, written by TensorFlow's own summary ops ({@code
 * CreateSummaryFileWriter}, {@code WriteScalarSummary}, {@code WriteImageSummary}), for {@code
 * tensorboard --logdir RUN/tensorboard} (or a folder of runs).
 *
 * <p>The writer lives in a small graph and session of its own, apart from the training graph: the
 * training graph, its variables and its checkpoints do not change whether or not TensorBoard is
 * logged. Each call below is one session run of that small graph.
 *
 * <p><b>Tags</b> used by the trainer (the constants below): {@value #DISCRIMINATOR_LOSS}, {@value
 * #GENERATOR_LOSS}, {@value #REAL_SCORE}, {@value #FAKE_SCORE}, {@value #IMAGES_PER_SECOND}, and
 * the image {@value #SAMPLES}. TensorBoard groups scalars by the part before the first {@code /}.
 * TensorFlow stores an image logged under tag {@code t} as {@code t/image}.
 *
 * <p><b>Encoding.</b> {@code WriteScalarSummary} stores each scalar as a legacy {@code
 * Summary.Value.simple_value} (a float), one event per tag and step. An image is one event whose
 * {@code Summary.Value.image} holds a PNG that TensorFlow encodes.
 *
 * <p><b>Files and resuming.</b> Every instance starts a new file {@code events.out.tfevents.<unix
 * seconds>.<host>.<pid>.<n>.v2} in the folder and never touches older ones. TensorBoard reads the
 * event files of a folder in name order, which is creation order for files created at least a
 * second apart. Within each tag, its data server treats a step that is not above the last one read
 * as a restart and drops the points it holds at that step and later ones. So when a run resumes
 * from a checkpoint older than its last logged step, the resumed run's values replace the old ones
 * from its first logged step on, and no step is shown twice; only old points beyond the last step
 * the resumed run reaches stay visible. It also means each tag must be logged at increasing steps.
 *
 * <p><b>Errors.</b> The constructor throws {@link IOException} when the folder or the writer cannot
 * be created. A TensorFlow failure during a call, such as a write error while flushing, is also an
 * {@link IOException}; the log stays open and later calls may succeed, so a caller may warn and go
 * on training. Bad arguments are {@link IllegalArgumentException}s, and any call after {@link
 * #close()} is an {@link IllegalStateException}.
 *
 * <p>Events are queued and written once about 50 are pending, on the first write more than 10 s
 * after the last flush, on {@link #flush()} and on {@link #close()}; a crash loses the queue.
 * Methods are synchronized, so one instance may be shared by threads.
 */
public final class TensorBoardLog implements AutoCloseable {
  /** Discriminator loss. */
  public static final String DISCRIMINATOR_LOSS = "loss/discriminator";

  /** Generator loss. */
  public static final String GENERATOR_LOSS = "loss/generator";

  /** Mean discriminator output D(x) on a batch of real images. */
  public static final String REAL_SCORE = "score/real";

  /** Mean discriminator output D(G(z)) on a batch of generated images. */
  public static final String FAKE_SCORE = "score/fake";

  /** Training throughput in real images per second. */
  public static final String IMAGES_PER_SECOND = "perf/images_per_sec";

  /** The sample grid; TensorBoard lists it as {@code samples/image}. */
  public static final String SAMPLES = "samples";

  /** More pending events than this force a write to disk. */
  static final int MAX_QUEUE = 50;

  /** Longest time events wait in the queue, checked on each write. */
  static final int FLUSH_MILLIS = 10_000;

  private final Path dir;
  private final Graph graph;
  private final Session session;
  private final Ops tf;
  private final SummaryWriter writer;
  private final Placeholder<TInt64> step;
  private final Placeholder<TString> imageTag;
  private final Placeholder<TUint8> imagePixels;
  private final WriteImageSummary writeImage;
  private final Op flushWriter;
  private final Op closeWriter;

  /** One write op per scalar tag, built on first use: the tag set is small and fixed. */
  private final Map<String, ScalarWriter> scalarWriters = new HashMap<>();

  private boolean closed;

  private record ScalarWriter(Placeholder<TFloat32> value, Op write) {}

  /**
   * Creates {@code dir} if needed and a new event file in it, with TensorFlow's default session
   * options. Create it after the training session: TensorFlow sizes its process-wide thread pools
   * from the first session of the process, and this one should not be it.
   *
   * @param dir the TensorBoard folder of a run, usually {@code RUN/tensorboard}
   * @throws IOException if the folder or the event file cannot be created
   */
  public TensorBoardLog(Path dir) throws IOException {
    this(dir, null);
  }

  /**
   * Creates {@code dir} if needed and a new event file in it.
   *
   * @param dir the TensorBoard folder of a run, usually {@code RUN/tensorboard}
   * @param sessionConfig the training session's options, or null for TensorFlow's defaults. Passing
   *     them makes the order in which the two sessions are created irrelevant: TensorFlow sizes its
   *     process-wide thread pools from whichever session comes first. GPUs are hidden from this
   *     session in any case; the summary ops run on the CPU.
   * @throws IOException if the folder or the event file cannot be created
   */
  public TensorBoardLog(Path dir, ConfigProto sessionConfig) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    graph = new Graph();
    Session s = null;
    try {
      tf = Ops.create(graph);
      // One named writer resource in this session: the create, write, flush and close ops all
      // reach it through this handle.
      writer = tf.summary.summaryWriter(SummaryWriter.sharedName("tensorboard_log"));
      Op create =
          tf.summary.createSummaryFileWriter(
              writer,
              tf.constant(dir.toAbsolutePath().toString()),
              tf.constant(MAX_QUEUE),
              tf.constant(FLUSH_MILLIS),
              tf.constant(".v2"));
      step = tf.withName("step").placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
      imageTag =
          tf.withName("image_tag").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      imagePixels =
          tf.withName("image_pixels")
              .placeholder(TUint8.class, Placeholder.shape(Shape.of(1, -1, -1, -1)));
      // Only painted over non-finite float pixels, which uint8 images cannot have; RGBA, so that
      // it has an entry for every channel count the op accepts.
      byte[] badColor = {(byte) 255, 0, 0, (byte) 255};
      writeImage =
          tf.summary.writeImageSummary(
              writer,
              step,
              imageTag,
              imagePixels,
              tf.constant(badColor),
              WriteImageSummary.maxImages(1L));
      flushWriter = tf.summary.flushSummaryWriter(writer);
      closeWriter = tf.summary.closeSummaryWriter(writer);
      ConfigProto.Builder config =
          sessionConfig == null ? ConfigProto.newBuilder() : sessionConfig.toBuilder();
      // No GPU device: creating one would claim GPU memory with this session's options.
      s = new Session(graph, config.putDeviceCount("GPU", 0).build());
      s.run(create);
    } catch (RuntimeException e) {
      if (s != null) {
        s.close();
      }
      graph.close();
      if (e instanceof TensorFlowException) {
        throw new IOException(
            "cannot create a TensorBoard event file in " + dir + ": " + e.getMessage(), e);
      }
      throw e;
    }
    session = s;
  }

  /** The folder the event files are written to. */
  public Path dir() {
    return dir;
  }

  /**
   * Writes one float32 scalar event per entry, all at {@code step}, in one session run.
   *
   * @param step the training iteration, at least 0; the x axis in TensorBoard
   * @param values tag → value, e.g. {@link #DISCRIMINATOR_LOSS}; NaN and infinities are written as
   *     they are; an empty map writes nothing
   * @throws IOException if TensorFlow fails to queue or write the events
   */
  public synchronized void scalars(long step, Map<String, Float> values) throws IOException {
    checkOpen();
    checkStep(step);
    if (values.isEmpty()) {
      return;
    }
    for (Map.Entry<String, Float> e : values.entrySet()) {
      if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null) {
        throw new IllegalArgumentException("TensorBoard scalars need a tag and a value, got " + e);
      }
    }
    Session.Runner runner = session.runner();
    TInt64 stepTensor = TInt64.scalarOf(step);
    Map<String, TFloat32> fed = new HashMap<>();
    try {
      runner.feed(this.step, stepTensor);
      for (Map.Entry<String, Float> e : values.entrySet()) {
        ScalarWriter w = scalarWriters.computeIfAbsent(e.getKey(), this::newScalarWriter);
        TFloat32 v = TFloat32.scalarOf(e.getValue());
        fed.put(e.getKey(), v);
        runner.feed(w.value(), v).addTarget(w.write());
      }
      run(runner, "scalars at step " + step);
    } finally {
      stepTensor.close();
      fed.values().forEach(TFloat32::close);
    }
  }

  /**
   * Writes one image event at {@code step}.
   *
   * @param step the training iteration, at least 0
   * @param tag the image's name; TensorFlow stores it as {@code tag + "/image"}
   * @param pixels uint8 pixels in row-major [height, width, channels] order (NHWC with N = 1),
   *     {@code height * width * channels} of them; 0 is black
   * @param height image height in pixels, at least 1
   * @param width image width in pixels, at least 1
   * @param channels 1 (grey), 3 (RGB) or 4 (RGBA)
   * @throws IOException if TensorFlow fails to encode, queue or write the image
   */
  public synchronized void image(
      long step, String tag, byte[] pixels, int height, int width, int channels)
      throws IOException {
    checkOpen();
    checkStep(step);
    if (tag == null || tag.isEmpty()) {
      throw new IllegalArgumentException("a TensorBoard image needs a tag");
    }
    if (height < 1 || width < 1 || (channels != 1 && channels != 3 && channels != 4)) {
      throw new IllegalArgumentException(
          "a TensorBoard image needs height, width ≥ 1 and 1, 3 or 4 channels, got "
              + height
              + "×"
              + width
              + "×"
              + channels);
    }
    if ((long) height * width * channels != pixels.length) {
      throw new IllegalArgumentException(
          "a "
              + height
              + "×"
              + width
              + "×"
              + channels
              + " image has "
              + (long) height * width * channels
              + " bytes, got "
              + pixels.length);
    }
    try (TInt64 s = TInt64.scalarOf(step);
        TString t = TString.scalarOf(tag);
        TUint8 p =
            TUint8.tensorOf(
                Shape.of(1, height, width, channels), DataBuffers.of(pixels, true, false))) {
      run(
          session
              .runner()
              .feed(this.step, s)
              .feed(imageTag, t)
              .feed(imagePixels, p)
              .addTarget(writeImage),
          "image " + tag + " at step " + step);
    }
  }

  /**
   * Writes every queued event to the event file, so TensorBoard sees it.
   *
   * @throws IOException if TensorFlow fails to write the file
   */
  public synchronized void flush() throws IOException {
    checkOpen();
    run(session.runner().addTarget(flushWriter), "flush");
  }

  /**
   * Writes the queued events, closes the event file and frees the graph and session. Calling it
   * again does nothing.
   *
   * @throws IOException if TensorFlow fails to write the last events; everything is freed anyway
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      run(session.runner().addTarget(closeWriter), "close");
    } finally {
      session.close();
      graph.close();
    }
  }

  private ScalarWriter newScalarWriter(String tag) {
    // Adding ops after the session has run is fine: the session takes in new graph nodes on its
    // next run. The tag is a constant so that a whole scalars() call is a single run.
    Placeholder<TFloat32> value = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    Op write = tf.summary.writeScalarSummary(writer, step, tf.constant(tag), value);
    return new ScalarWriter(value, write);
  }

  private void run(Session.Runner runner, String what) throws IOException {
    try {
      runner.run().close();
    } catch (TensorFlowException e) {
      throw new IOException(
          "TensorBoard log in " + dir + " failed to write " + what + ": " + e.getMessage(), e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("TensorBoard log in " + dir + " is closed");
    }
  }

  private static void checkStep(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("TensorBoard steps are not negative, got " + step);
    }
  }
}
