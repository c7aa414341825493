package dev.cgan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cgan.model.layers.BatchNorm;
import dev.cgan.model.layers.Conv2d;
import dev.cgan.model.layers.Upsample;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The gradients TensorFlow derives for a tiny conv net (strided conv, upsampling, BatchNorm on
 * feature maps) against central finite differences of the loss.
 */
class ConvGradientTest {
  @ParameterizedTest
  @EnumSource(Upsample.Mode.class)
  void gradientsMatchFiniteDifferences(Upsample.Mode mode) {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Conv2d down = Conv2d.of(tf, "down", 3, 2, 3, 2, 11);
      Upsample up = new Upsample(tf, "up", mode, 3, 2, 12);
      BatchNorm bn = new BatchNorm(tf, "bn", 2, 1e-3f, 0.1f);
      List<Variable<TFloat32>> vars = new ArrayList<>(down.trainableVariables());
      vars.addAll(up.trainableVariables());
      vars.addAll(bn.trainableVariables());
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class);
      Random random = new Random(3);
      float[][][][] input = new float[2][6][6][2];
      float[][][][] target = new float[2][6][6][2];
      for (float[][][] a : input) {
        for (float[][] b : a) {
          for (float[] c : b) {
            for (int i = 0; i < c.length; i++) {
              c[i] = (float) random.nextGaussian();
            }
          }
        }
      }
      for (float[][][] a : target) {
        for (float[][] b : a) {
          for (float[] c : b) {
            for (int i = 0; i < c.length; i++) {
              c[i] = (float) random.nextGaussian();
            }
          }
        }
      }
      Operand<TFloat32> h =
          tf.math.tanh(
              down.apply(tf, tf.ensureShape(x, org.tensorflow.ndarray.Shape.of(2, 6, 6, 2))));
      h = tf.math.tanh(bn.apply(tf, up.apply(tf, h), true));
      Operand<TFloat32> loss =
          tf.math.mean(
              tf.math.squaredDifference(h, tf.constant(target)),
              tf.constant(new int[] {0, 1, 2, 3}));
      Output<?>[] grads =
          g.addGradients(
              loss.asOutput(), vars.stream().map(Variable::asOutput).toArray(Output<?>[]::new));
      s.initialize();
      try (TFloat32 in =
          org.tensorflow.types.TFloat32.tensorOf(
              org.tensorflow.ndarray.StdArrays.ndCopyOf(input))) {
        for (int v = 0; v < vars.size(); v++) {
          Variable<TFloat32> var = vars.get(v);
          float[] analytic = values(s, grads[v], x, in);
          float[] w = values(s, var.asOutput(), x, in);
          Placeholder<TFloat32> value = tf.placeholder(TFloat32.class);
          var assign = tf.assign(var, tf.reshape(value, tf.shape(var)));
          // Check a handful of entries of every variable.
          for (int i = 0; i < w.length; i += Math.max(1, w.length / 5)) {
            double eps = 1e-2;
            double up1 = lossWith(s, loss, assign, value, w, i, eps, x, in);
            double down1 = lossWith(s, loss, assign, value, w, i, -eps, x, in);
            lossWith(s, loss, assign, value, w, i, 0, x, in);
            double numeric = (up1 - down1) / (2 * eps);
            assertEquals(
                numeric,
                analytic[i],
                2e-3 + 0.03 * Math.abs(numeric),
                mode + " " + var.op().name() + "[" + i + "]");
          }
        }
      }
    }
  }

  private static double lossWith(
      Session s,
      Operand<TFloat32> loss,
      Operand<TFloat32> assign,
      Placeholder<TFloat32> value,
      float[] w,
      int i,
      double delta,
      Placeholder<TFloat32> x,
      TFloat32 in) {
    float[] moved = w.clone();
    moved[i] = (float) (w[i] + delta);
    try (TFloat32 t = TFloat32.vectorOf(moved)) {
      s.runner().feed(value, t).addTarget(assign).run();
    }
    return values(s, loss.asOutput(), x, in)[0];
  }

  private static float[] values(Session s, Output<?> out, Placeholder<TFloat32> x, TFloat32 in) {
    try (Result r = s.runner().feed(x, in).fetch(out).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] a = new float[(int) t.shape().size()];
      t.asRawTensor().data().asFloats().read(a);
      return a;
    }
  }
}
