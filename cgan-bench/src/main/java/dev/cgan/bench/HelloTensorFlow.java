package dev.cgan.bench;

import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;

/**
 * The smallest TensorFlow Java program: loads the native library and runs one constant op in a
 * graph session. Its wall time as a child process is the floor under any command's cold start.
 */
public final class HelloTensorFlow {
  private HelloTensorFlow() {}

  /** Prints the TensorFlow version and the constant's value, 42. */
  public static void main(String[] args) {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      var answer = tf.constant(42);
      try (Session session = new Session(graph);
          Result r = session.runner().fetch(answer).run()) {
        System.out.println(
            "TensorFlow " + TensorFlow.version() + ": " + ((TInt32) r.get(0)).getInt());
      }
    }
  }
}
