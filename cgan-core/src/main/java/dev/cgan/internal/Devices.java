package dev.cgan.internal;

import static org.tensorflow.internal.c_api.global.tensorflow.TFE_ContextListDevices;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteContext;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteContextOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewContext;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewContextOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListMemoryBytes;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TFE_Context;
import org.tensorflow.internal.c_api.TFE_ContextOptions;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Status;

/** The devices TensorFlow finds on this machine (CPU, and GPUs with the -Pgpu build and CUDA). */
public final class Devices {
  /**
   * One device: its full name (e.g. /job:localhost/replica:0/task:0/device:GPU:0), type and memory.
   */
  public record Device(String name, String type, long memoryBytes) {}

  private Devices() {}

  /** Lists the devices through TensorFlow's C API (the Java API has no call for it). */
  public static List<Device> list() {
    TensorFlow.version(); // loads the native library
    TF_Status status = TF_NewStatus();
    TFE_ContextOptions options = TFE_NewContextOptions();
    try {
      TFE_Context context = TFE_NewContext(options, status);
      check(status);
      try {
        TF_DeviceList devices = TFE_ContextListDevices(context, status);
        check(status);
        try {
          List<Device> out = new ArrayList<>();
          for (int i = 0; i < TF_DeviceListCount(devices); i++) {
            out.add(
                new Device(
                    TF_DeviceListName(devices, i, status).getString(),
                    TF_DeviceListType(devices, i, status).getString(),
                    TF_DeviceListMemoryBytes(devices, i, status)));
            check(status);
          }
          return out;
        } finally {
          TF_DeleteDeviceList(devices);
        }
      } finally {
        TFE_DeleteContext(context);
      }
    } finally {
      TFE_DeleteContextOptions(options);
      TF_DeleteStatus(status);
    }
  }

  private static void check(TF_Status status) {
    if (TF_GetCode(status) != 0) {
      throw new IllegalStateException(
          "TensorFlow could not list devices: " + TF_Message(status).getString());
    }
  }
}
