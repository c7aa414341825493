package dev.cgan.serve;

import dev.cgan.internal.TensorArrays;
import dev.cgan.model.CganConfig;
import dev.cgan.model.Weights;
import dev.cgan.run.Checkpoints;
import dev.cgan.run.RunFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;

/**
 * Loading a generator (DJL's "criteria" role): a run folder's newest checkpoint into a fresh
 * inference graph, or an exported SavedModel whose metadata is checked against its graph. {@link
 * CganGenerator} then only runs what was loaded.
 */
final class GeneratorLoader {
  private GeneratorLoader() {}

  /**
   * What was loaded: a session, what owns it, and the model it runs.
   *
   * @param owner closes the session and its graph or bundle
   * @param signatures the model's signatures by key
   */
  record Loaded(
      AutoCloseable owner,
      Session session,
      CganConfig config,
      Weights weights,
      long iterations,
      List<String> classNames,
      Path source,
      Map<String, SessionFunction> signatures) {}

  /** The newest checkpoint of the run in {@code runDir} that restores, with {@code weights}. */
  static Loaded fromRun(Path runDir, Weights weights) throws IOException {
    RunFolder run = RunFolder.open(runDir);
    Weights chosen = RunCheckpoint.choose(run, weights);
    CganConfig config = run.settings().network();
    Graph graph = new Graph();
    try {
      GeneratorGraph gg = new GeneratorGraph(graph, config, chosen);
      Session session = new Session(graph);
      Path prefix;
      try {
        prefix = RunCheckpoint.restore(run, session);
      } catch (IOException | RuntimeException e) {
        // Left open, the session would block graph.close() for ever.
        session.close();
        throw e;
      }
      AutoCloseable owner =
          () -> {
            session.close();
            graph.close();
          };
      return new Loaded(
          owner,
          session,
          config,
          chosen,
          Checkpoints.iterationOf(prefix),
          run.settings().classNames(),
          runDir,
          bySignatureKey(
              List.of(
                  SessionFunction.create(gg.servingDefault(), session),
                  SessionFunction.create(gg.generate(), session),
                  SessionFunction.create(gg.generateStyled(), session),
                  SessionFunction.create(gg.generateMixed(), session))));
    } catch (IOException | RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** The SavedModel in {@code dir}, checking that it holds {@code weights} (null: any). */
  static Loaded fromSavedModel(Path dir, Weights weights) throws IOException {
    ModelMetadata meta = ModelMetadata.read(dir);
    if (weights != null && weights != meta.exportedWeights()) {
      throw new IOException(
          dir
              + " holds the "
              + meta.exportedWeights().id()
              + " weights, not the "
              + weights.id()
              + " ones; export the run again with those");
    }
    SavedModelBundle bundle;
    try {
      bundle = SavedModelBundle.load(dir.toString(), "serve");
    } catch (RuntimeException e) {
      // TensorFlow's errors are not all TensorFlowExceptions (see fromRun).
      throw new IOException(
          dir + ": cannot load SavedModel: " + TensorArrays.firstLine(e.getMessage()), e);
    }
    Map<String, SessionFunction> signatures;
    try {
      if (!bundle.metaGraphDef().getSignatureDefMap().containsKey("generate")) {
        throw new IOException(dir + ": the SavedModel has no 'generate' signature");
      }
      signatures = bySignatureKey(bundle.functions());
      checkShapes(dir, meta.model(), signatures);
    } catch (IOException | RuntimeException e) {
      bundle.close();
      throw e;
    }
    return new Loaded(
        bundle,
        bundle.session(),
        meta.model(),
        meta.exportedWeights(),
        meta.iterations(),
        meta.classNames(),
        dir,
        signatures);
  }

  /**
   * Refuses metadata that does not describe the graph beside it: the images are drawn, the noise
   * read and the classes weighed by the graph, at the sizes its signatures declare, while tiles are
   * cut and labels checked by the metadata. A cgan.json edited or copied from another export would
   * otherwise fail later, far from its cause (a pixel count that does not divide into tiles).
   */
  private static void checkShapes(
      Path dir, CganConfig model, Map<String, SessionFunction> signatures) throws IOException {
    // What Endpoints reads: each signature that is there must have all of its tensors.
    String[][] used = {
      {"generate", "in:labels", "in:seed", "out:pixels", "out:images"},
      {
        "generate_styled", "in:same_style", "in:truncation", "out:pixels", "out:images", "out:noise"
      },
      {"generate_mixed", "in:noise", "in:label_weights", "out:pixels"}
    };
    for (String[] sig : used) {
      for (int i = 1; i < sig.length && signatures.containsKey(sig[0]); i++) {
        shapeOf(
            dir,
            signatures,
            sig[0],
            sig[i].substring(sig[i].indexOf(':') + 1),
            sig[i].startsWith("in:"));
      }
    }
    Path file = dir.resolve(ModelMetadata.FILE);
    int side = model.imageSize();
    int channels = model.channels();
    Shape images = shapeOf(dir, signatures, "generate", "images", false);
    long[] want = {-1, side, side, channels};
    if (images.numDimensions() != 4 || !sameSizes(images, want)) {
      throw new IOException(
          file
              + ": model.imageSize "
              + side
              + " and model.channels "
              + channels
              + " do not fit the SavedModel's graph, whose 'generate' signature draws images of"
              + " shape "
              + images
              + "; the metadata does not describe this model");
    }
    if (signatures.containsKey(Signature.DEFAULT_KEY)) {
      Shape noise = shapeOf(dir, signatures, Signature.DEFAULT_KEY, "noise", true);
      if (noise.numDimensions() != 2 || !sameSizes(noise, new long[] {-1, model.latentDim()})) {
        throw new IOException(
            file
                + ": model.latentDim "
                + model.latentDim()
                + " does not fit the SavedModel's graph, whose noise input has shape "
                + noise
                + "; the metadata does not describe this model");
      }
    }
    if (signatures.containsKey("generate_mixed")) {
      Shape weights = shapeOf(dir, signatures, "generate_mixed", "label_weights", true);
      if (weights.numDimensions() != 2
          || !sameSizes(weights, new long[] {-1, model.numClasses()})) {
        throw new IOException(
            file
                + ": model.numClasses "
                + model.numClasses()
                + " does not fit the SavedModel's graph, whose label_weights input has shape "
                + weights
                + "; the metadata does not describe this model");
      }
    }
  }

  private static Shape shapeOf(
      Path dir, Map<String, SessionFunction> signatures, String key, String name, boolean input)
      throws IOException {
    Signature s = signatures.get(key).signature();
    Signature.TensorDescription d = (input ? s.getInputs() : s.getOutputs()).get(name);
    if (d == null) {
      throw new IOException(
          dir
              + ": the SavedModel's '"
              + key
              + "' signature has no "
              + (input ? "input" : "output")
              + " '"
              + name
              + "'; it was not exported by cgan-java");
    }
    return d.shape;
  }

  /** Whether {@code shape} has these sizes, -1 standing for an unknown (batch) size. */
  private static boolean sameSizes(Shape shape, long[] sizes) {
    for (int i = 0; i < sizes.length; i++) {
      if (sizes[i] >= 0 && shape.size(i) != sizes[i]) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, SessionFunction> bySignatureKey(List<SessionFunction> functions) {
    Map<String, SessionFunction> byKey = new TreeMap<>();
    for (SessionFunction f : functions) {
      byKey.put(f.signature().key(), f);
    }
    return Collections.unmodifiableMap(byKey);
  }
}
