package dev.cgan.eval;

/**
 * How the digit classifier is trained. Every field is part of the cache key, so changing one trains
 * a new classifier instead of reusing a cached one.
 *
 * @param epochs passes over the training images at {@code learningRate}
 * @param fineTuneEpochs further passes at a tenth of it
 * @param batchSize images per Adam step
 * @param learningRate Adam's step size (β1 0.9, β2 0.999, ε 1e−8)
 * @param seed fixes the initial weights and the batch order
 */
record ClassifierSpec(
    int epochs, int fineTuneEpochs, int batchSize, float learningRate, long seed) {

  ClassifierSpec {
    if (epochs < 1 || fineTuneEpochs < 0 || batchSize < 1 || !(learningRate > 0)) {
      throw new IllegalArgumentException(
          "bad classifier training spec: epochs "
              + epochs
              + ", fine-tune epochs "
              + fineTuneEpochs
              + ", batch "
              + batchSize
              + ", learning rate "
              + learningRate);
    }
  }

  /** The recipe the evaluation classifier is trained with. */
  static ClassifierSpec standard() {
    return new ClassifierSpec(4, 1, 64, 1e-3f, 20260101L);
  }

  /**
   * The recipe of a classifier of a run's own data of {@code images} training images: the standard
   * one with as many epochs as give about the standard's 32,000 images seen (4 epochs of 8,000
   * digits), at least 1 and at most 50, then its fine-tuning epoch.
   */
  static ClassifierSpec forImages(int images) {
    int epochs = (int) Math.min(50, Math.max(1, Math.ceil(32_000.0 / Math.max(images, 1))));
    ClassifierSpec s = standard();
    return new ClassifierSpec(
        epochs, s.fineTuneEpochs(), s.batchSize(), s.learningRate(), s.seed());
  }
}
