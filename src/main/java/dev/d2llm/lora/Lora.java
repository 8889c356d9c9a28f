package dev.d2llm.lora;

import dev.d2llm.nn.Linear;
import dev.d2llm.nn.NamedBlock;
import java.util.LinkedHashMap;
import java.util.Map;

/** Attaches LoRA adapters to a model's target projections and merges them back for serving. */
public final class Lora {

  private Lora() {}

  /**
   * Attaches a fresh adapter to every {@link Linear} whose path ends with one of the config's
   * targets; fails when a target matches nothing, since a misspelt target would silently train
   * nothing.
   */
  public static Map<String, LoraAdapter> attach(NamedBlock model, LoraConfig config) {
    Map<String, LoraAdapter> attached = new LinkedHashMap<>();
    Map<String, Integer> hits = new LinkedHashMap<>();
    config.targets().forEach(t -> hits.put(t, 0));
    for (Map.Entry<String, NamedBlock> e : model.namedBlocks().entrySet()) {
      if (!(e.getValue() instanceof Linear linear)) {
        continue;
      }
      for (String target : config.targets()) {
        if (e.getKey().equals(target) || e.getKey().endsWith("." + target)) {
          LoraAdapter adapter = new LoraAdapter(linear.inFeatures(), linear.outFeatures(), config);
          linear.attachAdapter(adapter);
          attached.put(e.getKey(), adapter);
          hits.merge(target, 1, Integer::sum);
          break;
        }
      }
    }
    hits.forEach(
        (target, n) -> {
          if (n == 0) {
            throw new IllegalArgumentException(
                "LoRA target '" + target + "' matches no projection of the model");
          }
        });
    return attached;
  }

  /**
   * Folds every attached adapter into its projection's weight (W += scaling B A) and detaches it.
   */
  public static int merge(NamedBlock model) {
    int merged = 0;
    for (NamedBlock block : model.namedBlocks().values()) {
      if (block instanceof Linear linear && linear.adapter() instanceof LoraAdapter adapter) {
        try (var delta = adapter.weightDelta()) {
          linear.mergeAdapter(delta);
        }
        merged++;
      }
    }
    return merged;
  }
}
