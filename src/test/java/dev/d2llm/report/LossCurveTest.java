package dev.d2llm.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loss-curve PNG from a metrics log. */
class LossCurveTest {

  @Test
  void drawsAPngFromTheMetricsLog(@TempDir Path dir) throws IOException {
    Path csv =
        Files.writeString(
            dir.resolve("metrics.csv"),
            """
        step,lr_step,total,in_batch,ci,ri_pearson,ri_pairwise,fi,validation
        1,1,2.0,1,1,1,1,1,
        2,2,1.5,1,1,1,1,1,70.5
        3,3,1.2,1,1,1,1,1,
        4,4,1.0,1,1,1,1,1,75.0
        """);

    LossCurve.write(csv, dir.resolve("loss.png"), "toy");

    var image = ImageIO.read(dir.resolve("loss.png").toFile());
    assertThat(image.getWidth()).isEqualTo(900);
    assertThat(image.getHeight()).isEqualTo(500);
  }

  @Test
  void movingAverageUsesWhatThereIsAtTheStart() {
    assertThat(LossCurve.movingAverage(List.of(2.0, 4.0, 6.0))).containsExactly(2.0, 3.0, 4.0);
  }

  @Test
  void aLogWithoutTheColumnsIsRefused(@TempDir Path dir) throws IOException {
    Path csv = Files.writeString(dir.resolve("m.csv"), "a,b\n1,2\n");
    assertThatThrownBy(() -> LossCurve.write(csv, dir.resolve("x.png"), "x"))
        .hasMessageContaining("expected columns");
  }

  @Test
  void tryWriteGivesTheReasonInsteadOfFailingTheRun(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("metrics.csv");
    java.nio.file.Files.writeString(csv, "step,loss\n1,0.5\n");
    assertThat(LossCurve.tryWrite(csv, dir.resolve("loss.png"), "x"))
        .get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("loss.png not drawn")
        .contains("expected columns")
        .contains("metrics.csv");
    assertThat(dir.resolve("loss.png")).doesNotExist();
  }
}
