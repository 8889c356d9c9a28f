package dev.d2llm.backbone;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.d2llm.checkpoint.Checkpoints;
import dev.d2llm.checkpoint.TensorSource;
import java.nio.file.Path;

/**
 * A backbone loaded from a Hugging Face model directory, with the native memory that holds its
 * weights. Run forward passes under a sub-manager of {@link #manager()} and close this when done.
 */
public final class BackboneModel implements AutoCloseable {

  private final Path directory;
  private final NDManager manager;
  private final Backbone backbone;
  private final Precision precision;

  private BackboneModel(Path directory, NDManager manager, Backbone backbone, Precision precision) {
    this.directory = directory;
    this.manager = manager;
    this.backbone = backbone;
    this.precision = precision;
  }

  /** Loads {@code config.json} and the safetensors weights of {@code dir} onto {@code device}. */
  public static BackboneModel load(Path dir, Device device, Precision precision) {
    BackboneConfig config = BackboneConfig.read(dir);
    Backbone backbone =
        switch (config) {
          case BertConfig c -> new BertBackbone(c);
          case DecoderConfig c -> new DecoderBackbone(c);
        };
    NDManager manager = NDManager.newBaseManager(device);
    try (TensorSource weights = Checkpoints.open(dir)) {
      WeightLoader.load(backbone, weights, manager, dir.toString(), precision);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    return new BackboneModel(dir, manager, backbone, precision);
  }

  /** Loads onto the CPU in float32. */
  public static BackboneModel load(Path dir) {
    return load(dir, Device.cpu(), Precision.FP32);
  }

  public Path directory() {
    return directory;
  }

  public NDManager manager() {
    return manager;
  }

  public Backbone backbone() {
    return backbone;
  }

  public BackboneConfig config() {
    return backbone.config();
  }

  public Precision precision() {
    return precision;
  }

  @Override
  public void close() {
    manager.close();
  }
}
