package dev.cgan.internal;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.ApplyAdam;
import org.tensorflow.types.TFloat32;

/**
 * Adam (Kingma and Ba) on TensorFlow's own {@code ApplyAdam} kernel, one instance per network.
 *
 * <p>Why not TF Java 1.1.0's {@code org.tensorflow.framework.optimizers.Adam}: its {@code finish}
 * advances β₁ᵗ and β₂ᵗ by assignments that wait for nothing, so within one step each {@code
 * ApplyAdam} reads the power of step t or of step t + 1, whichever the scheduler ran first. That
 * race changes the bias correction from one execution to the next, and with it every weight after a
 * few iterations: two runs of one seed, or a run and its resumed twin, drift apart. Here the powers
 * advance only once every update of the step has run, as in TensorFlow Python's {@code
 * AdamOptimizer._finish}, so step t uses β₁ᵗ and β₂ᵗ exactly, as PyTorch's Adam does.
 *
 * <p>The state has the framework's names ({@code VAR-m}, {@code VAR-v}, {@code beta1_power}, {@code
 * beta2_power}, uniquified by TensorFlow in creation order), so checkpoints written with the
 * framework's optimizer restore into this one.
 */
public final class Adam {
  private final Graph graph;
  private final Ops tf;
  private final float learningRate;
  private final float beta1;
  private final float beta2;
  private final float epsilon;

  public Adam(Graph graph, float learningRate, float beta1, float beta2, float epsilon) {
    this.graph = graph;
    this.tf = Ops.create(graph);
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  /** {@link #apply} along the gradients of {@code loss} with respect to {@code variables}. */
  @SuppressWarnings("unchecked")
  public Op minimize(Operand<TFloat32> loss, List<Variable<TFloat32>> variables, String name) {
    Output<?>[] grads =
        graph.addGradients(
            loss.asOutput(), variables.stream().map(Variable::asOutput).toArray(Output<?>[]::new));
    List<Operand<TFloat32>> gradients = new ArrayList<>();
    for (Output<?> g : grads) {
      gradients.add((Output<TFloat32>) g);
    }
    return apply(gradients, variables, name);
  }

  /**
   * Creates the optimizer's state for {@code variables} and returns the op of one step: every
   * variable moved along its gradient, then the powers advanced.
   *
   * @param gradients one gradient per variable, in the same order
   * @param name the name of the returned op
   */
  public Op apply(
      List<? extends Operand<TFloat32>> gradients,
      List<Variable<TFloat32>> variables,
      String name) {
    if (gradients.size() != variables.size()) {
      throw new IllegalArgumentException(
          gradients.size() + " gradients for " + variables.size() + " variables");
    }
    Ops init = tf.withInitScope();
    List<Variable<TFloat32>> firstMoments = new ArrayList<>();
    List<Variable<TFloat32>> secondMoments = new ArrayList<>();
    for (Variable<TFloat32> v : variables) {
      firstMoments.add(zerosLike(v, "m"));
      secondMoments.add(zerosLike(v, "v"));
    }
    Variable<TFloat32> beta1Power = variable("beta1_power", Shape.scalar(), init.constant(beta1));
    Variable<TFloat32> beta2Power = variable("beta2_power", Shape.scalar(), init.constant(beta2));

    Operand<TFloat32> lr = tf.constant(learningRate);
    Operand<TFloat32> b1 = tf.constant(beta1);
    Operand<TFloat32> b2 = tf.constant(beta2);
    Operand<TFloat32> eps = tf.constant(epsilon);
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      updates.add(
          tf.train.applyAdam(
              variables.get(i),
              firstMoments.get(i),
              secondMoments.get(i),
              beta1Power,
              beta2Power,
              lr,
              b1,
              b2,
              eps,
              gradients.get(i),
              ApplyAdam.useLocking(true)));
    }
    Ops afterUpdates = tf.withControlDependencies(updates);
    Op advance1 = afterUpdates.assign(beta1Power, afterUpdates.math.mul(beta1Power, b1));
    Op advance2 = afterUpdates.assign(beta2Power, afterUpdates.math.mul(beta2Power, b2));
    return tf.withControlDependencies(List.of(advance1, advance2)).withName(name).noOp();
  }

  private Variable<TFloat32> zerosLike(Variable<TFloat32> v, String slot) {
    Ops init = tf.withInitScope();
    Operand<TFloat32> zeros = init.fill(init.constant(v.shape().asArray()), init.constant(0f));
    return variable(v.op().name() + "-" + slot, v.shape(), zeros);
  }

  /**
   * A variable named exactly {@code name} (made unique by TensorFlow if taken), initialised by a
   * separate unnamed assignment, as the framework's optimizer names its state.
   */
  private Variable<TFloat32> variable(String name, Shape shape, Operand<TFloat32> initialValue) {
    Ops init = tf.withInitScope();
    Variable<TFloat32> v = init.withName(name).variable(shape, TFloat32.class);
    init.assign(v, initialValue);
    return v;
  }
}
