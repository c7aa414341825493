package dev.cgan.eval;

import java.util.Map;

/**
 * What the classifier cache records about a trained classifier, kept as {@code classifier.json}
 * next to its checkpoint.
 *
 * @param format always {@link ClassifierCache#FORMAT}
 * @param key the cache key the entry was written under (architecture, recipe and data)
 * @param architecture {@link ClassifierNet#ARCHITECTURE}
 * @param spec the training recipe
 * @param dataSha256 SHA-256 of the training and held-out images and labels
 * @param trainImages images trained on
 * @param heldOutImages images the accuracy was measured on
 * @param heldOutAccuracy fraction of held-out real digits classified correctly
 * @param trainSeconds wall-clock training time
 * @param finalLoss mean cross-entropy over the last training epoch
 * @param created when it was trained (ISO-8601, UTC)
 * @param projectVersion cgan-java version that trained it
 * @param tensorflowVersion TensorFlow runtime that trained it
 * @param files SHA-256 of each checkpoint file, by file name; checked on every load
 */
record ClassifierInfo(
    String format,
    String key,
    String architecture,
    ClassifierSpec spec,
    String dataSha256,
    int trainImages,
    int heldOutImages,
    double heldOutAccuracy,
    double trainSeconds,
    double finalLoss,
    String created,
    String projectVersion,
    String tensorflowVersion,
    Map<String, String> files) {}
