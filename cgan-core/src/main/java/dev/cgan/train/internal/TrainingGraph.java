package dev.cgan.train.internal;

import dev.cgan.data.LabeledImages;
import dev.cgan.internal.Adam;
import dev.cgan.internal.Seeds;
import dev.cgan.model.DiscriminatorNetwork;
import dev.cgan.model.GeneratorNetwork;
import dev.cgan.model.Networks;
import dev.cgan.model.SharedBackward;
import dev.cgan.model.Weights;
import dev.cgan.model.layers.Preprocessing;
import dev.cgan.model.layers.Sampling;
import dev.cgan.run.RunSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * The whole training iteration as one TensorFlow graph: the data set, the batch order, noise and
 * labels live in the graph, so an iteration is one {@code Session.run} with nothing fed.
 *
 * <p>TF Java 1.1.0 has no eager gradients (no GradientTape), so the step is written the way a tape
 * would record it: forward pass, each loss differentiated with respect to one network's variables
 * only, each network's gradients applied by its own Adam.
 *
 * <p>Every random draw is a stateless op keyed by (seed, iteration), so a run restored from a
 * checkpoint continues with exactly the batches, noise and dropout masks it would have had.
 */
public final class TrainingGraph {
  private static final long NOISE = 1,
      FAKE_LABELS = 2,
      DROPOUT_FAKE = 3,
      DROPOUT_REAL = 4,
      SHUFFLE = 5,
      AVERAGE_STATISTICS = 6;

  /**
   * Samples of the pass that recomputes the averaged generator's BatchNorm statistics: with 2048,
   * each class is seen about 200 times; a pass costs about two training iterations.
   */
  public static final int AVERAGE_STATISTICS_BATCH = 2048;

  /**
   * The average's warm-up, TensorFlow's {@code ExponentialMovingAverage(num_updates)}: at iteration
   * t it decays by min(decay, (1 + t) / (WARM_UP + t)), so early samples are not dominated by the
   * initial weights.
   */
  static final float WARM_UP = 10f;

  /**
   * The average is updated in the iterations whose index is a multiple of this, by the decay raised
   * to this power: streaming 1.75 M averaged weights every iteration cost 5.4 % of the images/s at
   * batch 64 (alternating measurements with and without it), memory traffic a 64-image step cannot
   * hide; every fourth iteration costs 2.4 %, for an average at most three iterations behind.
   */
  public static final int AVERAGE_EVERY = 4;

  public final GeneratorNetwork generator;
  public final DiscriminatorNetwork discriminator;

  /** The exponential moving average of {@link #generator}'s weights, or null for a spec without. */
  public final GeneratorNetwork averaged;

  /**
   * Sets {@link #averaged}'s BatchNorm running statistics to those of its own activations on {@link
   * #AVERAGE_STATISTICS_BATCH} fixed samples (SWA's {@code update_bn}); null without an average.
   * Run it before reading the average; it does not change training.
   */
  public final Op refreshAverageStatistics;

  /** int64 scalar: completed iterations. */
  public final Variable<TInt64> step;

  /** int32 [N]: the order in which this epoch visits the training set. */
  public final Variable<TInt32> epochOrder;

  /** Draws this epoch's {@link #epochOrder}; run when an epoch begins. */
  public final Op reshuffle;

  /**
   * Fused mode: one run performs the G step and the D step and advances {@link #step}; without the
   * average's update ({@link #trainStep(long)} adds it when it is due).
   */
  public final Op trainStep;

  private final Op trainStepAveraging;

  /** Two-step mode: the G step; fetch {@link #fakeImages} with it (see {@link #trainStep}). */
  public final Op generatorStep;

  private final Op generatorStepAveraging;

  /** Two-step mode: the D step on {@link #fakeImages} fed back; advances {@link #step}. */
  public final Op discriminatorStep;

  /** G(z, y2) of this iteration, float32 [batch, H, W, C]. */
  public final Operand<TFloat32> fakeImages;

  public final Operand<TFloat32> discriminatorLoss;
  public final Operand<TFloat32> generatorLoss;

  /** Mean D(x, y1) over the batch. */
  public final Operand<TFloat32> meanRealScore;

  /** Mean D(G(z, y2), y2) over the batch. */
  public final Operand<TFloat32> meanFakeScore;

  /** Inference-mode sampling: int32 [n] labels and an int64 seed → uint8 [n, H, W, C]. */
  public final Placeholder<TInt32> sampleLabels;

  public final Placeholder<TInt64> sampleSeed;
  public final Operand<TUint8> samplePixels;

  /** The same samples before quantisation: float32 [n, H, W, C] in [−1, 1]. */
  public final Operand<TFloat32> sampleImages;

  /** As {@link #samplePixels} and {@link #sampleImages}, from {@link #averaged}; null without. */
  private final Operand<TUint8> averagedSamplePixels;

  private final Operand<TFloat32> averagedSampleImages;

  /** Iterations per epoch: whole batches only; the remainder of each shuffled epoch is skipped. */
  public final long iterationsPerEpoch;

  /**
   * Builds the graph of the run {@code spec} defines into {@code graph}; a session must initialise
   * or restore it. {@code data} holds at least one batch (the run checks that before it writes
   * anything).
   */
  public TrainingGraph(Graph graph, RunSettings spec, LabeledImages data) {
    int batch = spec.batchSize();
    requireFits(spec, data);
    Ops tf = Ops.create(graph);
    iterationsPerEpoch = data.count() / batch;

    // Variables are created in a fixed order so that checkpoints of equal specs line up.
    generator = Networks.generator(tf, spec.network(), spec.seed(), Weights.RAW);
    discriminator = Networks.discriminator(tf, spec.network(), spec.seed());
    averaged =
        spec.averaged() ? Networks.generator(tf, spec.network(), spec.seed(), Weights.EMA) : null;
    Ops init = tf.withInitScope();
    step = tf.withName("global_step").variable(init.constant(0L));
    epochOrder =
        tf.withName("epoch_order")
            .variable(init.range(init.constant(0), init.constant(data.count()), init.constant(1)));

    long seed = spec.seed();
    Operand<TInt64> epoch = tf.math.floorDiv(step, tf.constant(iterationsPerEpoch));
    Operand<TFloat32> keys =
        tf.random.statelessRandomUniform(
            tf.constant(new int[] {data.count()}), key(tf, seed, SHUFFLE, epoch), TFloat32.class);
    reshuffle =
        tf.assign(
            epochOrder, tf.nn.topK(keys, tf.constant(data.count()), new TopK.Options[0]).indices());

    // The real batch: this iteration's slice of the epoch order, gathered from the in-graph set.
    Operand<TInt32> begin =
        tf.dtypes.cast(
            tf.math.mul(
                tf.math.floorMod(step, tf.constant(iterationsPerEpoch)), tf.constant((long) batch)),
            TInt32.class);
    Operand<TInt32> indices =
        tf.slice(
            epochOrder,
            tf.reshape(begin, tf.constant(new int[] {1})),
            tf.constant(new int[] {batch}));
    Operand<TFloat32> realImages = realBatch(tf, data, indices, spec.network().imageSize());
    Operand<TInt32> realLabels = tf.gather(tf.constant(data.labels()), indices, tf.constant(0));

    Operand<TFloat32> z =
        tf.random.statelessRandomNormal(
            tf.constant(new int[] {batch, spec.network().latentDim()}),
            key(tf, seed, NOISE, step),
            TFloat32.class);
    Operand<TInt32> fakeLabels =
        tf.random.statelessRandomUniformInt(
            tf.constant(new int[] {batch}),
            key(tf, seed, FAKE_LABELS, step),
            tf.constant(0),
            tf.constant(spec.network().numClasses()));

    fakeImages = tf.withName("fake_images").identity(generator.apply(tf, z, fakeLabels, true));
    Operand<TInt64> fakeDropout = key(tf, seed, DROPOUT_FAKE, step);
    SharedBackward fakePass =
        discriminator.applyWithSharedBackward(tf, fakeImages, fakeLabels, fakeDropout);
    Operand<TFloat32> fakeScores =
        fakePass != null
            ? fakePass.scores()
            : discriminator.apply(tf, fakeImages, fakeLabels, fakeDropout);
    Operand<TFloat32> realScores =
        discriminator.apply(tf, realImages, realLabels, key(tf, seed, DROPOUT_REAL, step));
    generatorLoss = tf.withName("g_loss").identity(Losses.generator(tf, fakeScores));
    discriminatorLoss =
        tf.withName("d_loss").identity(Losses.discriminator(tf, realScores, fakeScores));
    meanRealScore =
        tf.withName("d_real").identity(tf.math.mean(realScores, tf.constant(new int[] {0, 1})));
    meanFakeScore =
        tf.withName("d_fake").identity(tf.math.mean(fakeScores, tf.constant(new int[] {0, 1})));

    // "Tape": each loss differentiated with respect to its own network's variables only; L_G also
    // with respect to the fake images, where G's backward pass leaves D.
    List<Variable<TFloat32>> gVars = generator.trainableVariables();
    Output<?>[] gGrads;
    Output<?> fakeGrad;
    Output<?>[] dGrads;
    if (fakePass == null) {
      Output<?>[] gGradsAndFake =
          graph.addGradients(
              generatorLoss.asOutput(),
              concat(outputs(gVars), new Output<?>[] {fakeImages.asOutput()}));
      gGrads = Arrays.copyOf(gGradsAndFake, gVars.size());
      fakeGrad = gGradsAndFake[gVars.size()];
      dGrads =
          graph.addGradients(
              discriminatorLoss.asOutput(), outputs(discriminator.trainableVariables()));
    } else {
      // L_G and L_D's fake half share one backward pass through D (see SharedBackward); L_D's real
      // half and G are differentiated as above, from the upstream gradients the losses give.
      Output<?> upG = graph.addGradients(generatorLoss.asOutput(), outputs(fakeScores))[0];
      Output<?>[] upD =
          graph.addGradients(discriminatorLoss.asOutput(), outputs(realScores, fakeScores));
      SharedBackward.Gradients shared = fakePass.gradients(tf, floats(upD[1]), floats(upG));
      fakeGrad = shared.images().asOutput();
      gGrads =
          graph.addGradients(null, outputs(fakeImages), outputs(gVars), new Output<?>[] {fakeGrad});
      List<Variable<TFloat32>> dVars = discriminator.trainableVariables();
      Output<?>[] realGrads =
          graph.addGradients(null, outputs(realScores), outputs(dVars), new Output<?>[] {upD[0]});
      dGrads = new Output<?>[dVars.size()];
      for (int i = 0; i < dGrads.length; i++) {
        dGrads[i] = tf.math.add(floats(realGrads[i]), shared.variables().get(i)).asOutput();
      }
    }
    Adam adamG = new Adam(graph, spec.learningRate(), spec.beta1(), spec.beta2(), 1e-8f);
    Adam adamD = new Adam(graph, spec.learningRate(), spec.beta1(), spec.beta2(), 1e-8f);

    List<Op> bnUpdates = generator.batchNormUpdates();
    if (spec.twoStep()) {
      Op applyG = adamG.apply(after(tf, gGrads, gGrads), gVars, "G_step");
      generatorStep = tf.withControlDependencies(concat(List.of(applyG), bnUpdates)).noOp();
      generatorStepAveraging =
          averaged == null
              ? generatorStep
              : tf.withControlDependencies(
                      concat(concat(List.of(applyG), bnUpdates), averageUpdates(tf, spec, applyG)))
                  .noOp();
      Op applyD =
          adamD.apply(after(tf, dGrads, dGrads), discriminator.trainableVariables(), "D_step");
      discriminatorStep =
          tf.withControlDependencies(List.of(applyD)).assignAdd(step, tf.constant(1L));
      trainStep = null;
      trainStepAveraging = null;
    } else {
      // Variables are updated in place, so an update must wait for the last read of the weights
      // it overwrites, but need not wait longer. D's weights are last read by D's own gradients
      // and by L_G's gradient on its way to the fake images; from there on, D's update
      // (memory-bound) overlaps G's backward pass (compute-bound). G's gradient still sees D's
      // weights of this iteration, as in the reference's G-then-D order. (The optimizer makes each
      // update of a network wait for all of that network's gradients.)
      Op applyD =
          adamD.apply(
              after(tf, dGrads, concat(dGrads, new Output<?>[] {fakeGrad})),
              discriminator.trainableVariables(),
              "D_step");
      Op applyG = adamG.apply(after(tf, gGrads, gGrads), gVars, "G_step");
      List<Op> updates = concat(List.of(applyD, applyG), bnUpdates);
      trainStep = tf.withControlDependencies(updates).assignAdd(step, tf.constant(1L));
      trainStepAveraging =
          averaged == null
              ? trainStep
              : tf.withControlDependencies(concat(updates, averageUpdates(tf, spec, applyG)))
                  .assignAdd(step, tf.constant(1L));
      generatorStep = null;
      generatorStepAveraging = null;
      discriminatorStep = null;
    }

    sampleLabels = tf.withName("sample_labels").placeholder(TInt32.class);
    sampleSeed = tf.withName("sample_seed").placeholder(TInt64.class);
    Operand<TFloat32> sampleNoise =
        Sampling.noise(tf, sampleLabels, sampleSeed, spec.network().latentDim());
    sampleImages = generator.apply(tf, sampleNoise, sampleLabels, false);
    samplePixels = Sampling.toPixels(tf, sampleImages);
    if (averaged != null) {
      averagedSampleImages = averaged.apply(tf, sampleNoise, sampleLabels, false);
      averagedSamplePixels = Sampling.toPixels(tf, averagedSampleImages);
      refreshAverageStatistics = statisticsPass(tf, spec);
    } else {
      averagedSampleImages = null;
      averagedSamplePixels = null;
      refreshAverageStatistics = null;
    }
  }

  /** Refuses data of other channels or more classes than the run's network has. */
  private static void requireFits(RunSettings spec, LabeledImages data) {
    if (data.channels() != spec.network().channels()) {
      throw new IllegalArgumentException(
          "the data has "
              + data.channels()
              + " channels but the model "
              + spec.network().channels());
    }
    if (data.numClasses() > spec.network().numClasses()) {
      throw new IllegalArgumentException(
          "the data has "
              + data.numClasses()
              + " classes but the model "
              + spec.network().numClasses());
    }
  }

  /** The fused step of iteration {@code t} (0-based), with the average's update when it is due. */
  public Op trainStep(long t) {
    return t % AVERAGE_EVERY == 0 ? trainStepAveraging : trainStep;
  }

  /** The two-step mode's G step of iteration {@code t}, as {@link #trainStep(long)}. */
  public Op generatorStep(long t) {
    return t % AVERAGE_EVERY == 0 ? generatorStepAveraging : generatorStep;
  }

  /**
   * After G's update, in iterations t that are multiples of {@link #AVERAGE_EVERY} (K): every
   * averaged weight w̄ ← w̄ − (1 − dᴷ)(w̄ − w), with d = min(decay, (1 + t) / (10 + t)). Only the
   * trainable weights are averaged; BatchNorm's running statistics of the average are recomputed
   * instead (see {@link #refreshAverageStatistics}).
   */
  private List<Op> averageUpdates(Ops tf, RunSettings spec, Op applyG) {
    if (averaged == null) {
      return List.of();
    }
    Ops after = tf.withControlDependencies(List.of(applyG));
    Operand<TFloat32> t = after.dtypes.cast(step, TFloat32.class);
    Operand<TFloat32> warmUp =
        after.math.div(
            after.math.add(t, after.constant(1f)), after.math.add(t, after.constant(WARM_UP)));
    Operand<TFloat32> rate =
        after.math.sub(
            after.constant(1f),
            after.math.pow(
                after.math.minimum(after.constant(spec.emaDecay()), warmUp),
                after.constant((float) AVERAGE_EVERY)));
    List<Variable<TFloat32>> raw = generator.trainableVariables();
    List<Variable<TFloat32>> avg = averaged.trainableVariables();
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      updates.add(
          after.train.applyGradientDescent(
              avg.get(i), rate, after.math.sub(avg.get(i), raw.get(i))));
    }
    return updates;
  }

  /** One training-mode pass of the average on fixed balanced samples, keeping its statistics. */
  private Op statisticsPass(Ops tf, RunSettings spec) {
    int n = AVERAGE_STATISTICS_BATCH;
    Operand<TInt32> labels =
        tf.math.floorMod(
            tf.range(tf.constant(0), tf.constant(n), tf.constant(1)),
            tf.constant(spec.network().numClasses()));
    Operand<TFloat32> z =
        tf.random.statelessRandomNormal(
            tf.constant(new int[] {n, spec.network().latentDim()}),
            key(tf, spec.seed(), AVERAGE_STATISTICS, tf.constant(0L)),
            TFloat32.class);
    averaged.apply(tf, z, labels, true);
    return tf.withControlDependencies(averaged.batchNormUpdates()).noOp();
  }

  /** Pixels of {@code weights}' samples; {@link Weights#EMA} needs an averaged spec. */
  public Operand<TUint8> samplePixels(Weights weights) {
    return weights == Weights.EMA ? requireAveraged(averagedSamplePixels) : samplePixels;
  }

  /** Images of {@code weights}' samples; {@link Weights#EMA} needs an averaged spec. */
  public Operand<TFloat32> sampleImages(Weights weights) {
    return weights == Weights.EMA ? requireAveraged(averagedSampleImages) : sampleImages;
  }

  private static <T> T requireAveraged(T op) {
    if (op == null) {
      throw new IllegalStateException("this run keeps no averaged generator (EMA decay 0)");
    }
    return op;
  }

  /**
   * This iteration's real images: the in-graph uint8 set ([N, H, W] grey, [N, H, W, C] colour)
   * gathered at {@code indices}.
   */
  private static Operand<TFloat32> realBatch(
      Ops tf, LabeledImages data, Operand<TInt32> indices, int size) {
    int c = data.channels();
    Shape shape =
        c == 1
            ? Shape.of(data.count(), data.height(), data.width())
            : Shape.of(data.count(), data.height(), data.width(), c);
    Operand<TUint8> all = tf.constant(shape, DataBuffers.of(data.pixels(), true, false));
    return Preprocessing.toModelInput(
        tf, tf.gather(all, indices, tf.constant(0)), data.height(), data.width(), c, size);
  }

  /** int64 [2] key of a stateless random op: (stream of this run's seed, counter). */
  private static Operand<TInt64> key(Ops tf, long seed, long stream, Operand<TInt64> counter) {
    return tf.stack(List.of(tf.constant(Seeds.derive(seed, stream)), counter));
  }

  private static Output<?>[] outputs(List<Variable<TFloat32>> vars) {
    return vars.stream().map(Variable::asOutput).toArray(Output<?>[]::new);
  }

  @SafeVarargs
  private static Output<?>[] outputs(Operand<TFloat32>... tensors) {
    return Arrays.stream(tensors).map(Operand::asOutput).toArray(Output<?>[]::new);
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> floats(Output<?> gradient) {
    return (Output<TFloat32>) gradient;
  }

  /** The gradients {@code grads}, each released only once every one of {@code waitFor} exists. */
  @SuppressWarnings("unchecked")
  private static List<Operand<TFloat32>> after(Ops tf, Output<?>[] grads, Output<?>[] waitFor) {
    Ops after = tf.withControlDependencies(Arrays.asList(waitFor));
    List<Operand<TFloat32>> list = new ArrayList<>();
    for (Output<?> g : grads) {
      list.add(after.identity((Output<TFloat32>) g));
    }
    return list;
  }

  private static Output<?>[] concat(Output<?>[] a, Output<?>[] b) {
    Output<?>[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static List<Op> concat(List<Op> a, List<Op> b) {
    List<Op> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
