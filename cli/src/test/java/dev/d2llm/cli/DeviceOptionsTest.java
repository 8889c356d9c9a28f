package dev.d2llm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/**
 * {@code --device}: CPU by default, and a GPU PyTorch cannot see is refused with the reason and the
 * way out.
 */
class DeviceOptionsTest {

  @Test
  void cpuIsTheDefault() {
    assertThat(new DeviceOptions().device()).isEqualTo(Device.cpu());
    assertThat(new DeviceOptions().devices()).containsExactly(Device.cpu());
  }

  @Test
  void aCommaListNamesOneReplicaPerEntryAndItsFirstIsTheDevice() {
    DeviceOptions twice = new DeviceOptions();
    twice.device = "cpu, cpu";
    assertThat(twice.devices()).containsExactly(Device.cpu(), Device.cpu());
    assertThat(twice.device()).isEqualTo(Device.cpu());
    twice.device = "cpu,cuda";
    assertThatThrownBy(twice::devices).hasMessageContaining("'cuda' is not cpu, gpu or gpuN");
  }

  @Test
  void aMisspelledDeviceIsRefused() {
    assertThatThrownBy(() -> DeviceOptions.parse("cuda"))
        .hasMessageContaining("'cuda' is not cpu, gpu or gpuN");
  }

  @Test
  void aGpuTheBundledCpuLibtorchCannotSeeIsRefusedWithTheWayOut() {
    // The build bundles pytorch-native-cpu, so PyTorch sees no GPU even on a GPU host.
    assertThatThrownBy(() -> DeviceOptions.parse("gpu"))
        .hasMessageContaining("PyTorch sees 0 GPU(s)")
        .hasMessageContaining("PYTORCH_FLAVOR=cu<CUDA>");
    DeviceOptions all = new DeviceOptions();
    all.device = "gpus";
    assertThatThrownBy(all::devices).hasMessageContaining("PyTorch sees 0 GPU(s)");
  }
}
