package dev.cgan.train.internal;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The least-squares GAN losses of the reference (tutorial eq. 2 and 3). */
public final class Losses {
  private Losses() {}

  /** L_D = ½ (mean(D(G(z,y))²) + mean((1 − D(x,y))²)); scores of any shape → scalar. */
  public static Operand<TFloat32> discriminator(
      Ops tf, Operand<TFloat32> realScores, Operand<TFloat32> fakeScores) {
    Operand<TFloat32> fake = tf.math.mean(tf.math.square(fakeScores), allAxes(tf, fakeScores));
    Operand<TFloat32> real =
        tf.math.mean(
            tf.math.squaredDifference(realScores, tf.constant(1f)), allAxes(tf, realScores));
    return tf.math.mul(tf.constant(0.5f), tf.math.add(fake, real));
  }

  /** L_G = mean((1 − D(G(z,y),y))²); scores of any shape → scalar. */
  public static Operand<TFloat32> generator(Ops tf, Operand<TFloat32> fakeScores) {
    return tf.math.mean(
        tf.math.squaredDifference(fakeScores, tf.constant(1f)), allAxes(tf, fakeScores));
  }

  private static Operand<org.tensorflow.types.TInt32> allAxes(Ops tf, Operand<TFloat32> x) {
    return tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
  }
}
