package dev.d2llm.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StartupPreloadTest {

  @Test
  void eachPreloadRunsOnceHoweverOftenItIsAskedFor() {
    StartupPreload.start();
    CompletableFuture<Void> natives = StartupPreload.natives();
    assertSame(natives, StartupPreload.natives());
    assertSame(StartupPreload.kernels(), StartupPreload.kernels());
  }

  @Test
  void nativesLeavePyTorchLoaded() {
    StartupPreload.join(StartupPreload.natives());
    assertEquals("PyTorch", Engine.getEngine("PyTorch").getEngineName());
  }

  @Test
  void onTheJvmTheKernelsAreTheVectorOnesCompiledBeforeUse() {
    StartupPreload.Kernels k = StartupPreload.join(StartupPreload.kernels());
    assertTrue(k.rowKernel());
    assertNotNull(k.scan());
    assertTrue(k.scan().name().startsWith("vector"), k.scan().name());
  }

  @Test
  void aFailedTaskRethrowsItsOwnException() {
    CompletableFuture<Void> failing =
        StartupPreload.onThread(
            "failing",
            () -> {
              throw new IllegalStateException("no library");
            });
    IllegalStateException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class, () -> StartupPreload.join(failing));
    assertEquals("no library", e.getMessage());
  }
}
