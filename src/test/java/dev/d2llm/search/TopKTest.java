package dev.d2llm.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** TopK keeps exactly what a full sort would put first. */
class TopKTest {

  @Test
  void keepsTheBestRowsInOrderLikeAFullSort() {
    Random random = new Random(3);
    float[] scores = new float[5_000];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = random.nextInt(400) / 7f; // many ties
    }
    TopK top = new TopK(37);
    top.offer(scores, scores.length, 0);

    int[] expected =
        IntStream.range(0, scores.length)
            .boxed()
            .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i))
            .limit(37)
            .mapToInt(Integer::intValue)
            .toArray();
    assertThat(top.rows()).containsExactly(expected);
  }

  @Test
  void mergingPartsEqualsOneScan() {
    float[] scores = new float[1_000];
    Random random = new Random(4);
    for (int i = 0; i < scores.length; i++) {
      scores[i] = random.nextFloat();
    }
    TopK whole = new TopK(10);
    whole.offer(scores, scores.length, 0);
    TopK a = new TopK(10);
    TopK b = new TopK(10);
    a.offer(java.util.Arrays.copyOfRange(scores, 0, 600), 600, 0);
    b.offer(java.util.Arrays.copyOfRange(scores, 600, 1_000), 400, 600);
    a.addAll(b);

    assertThat(a.rows()).containsExactly(whole.rows());
  }

  @Test
  void fewerRowsThanKGivesThemAll() {
    TopK top = new TopK(5);
    top.offer(new float[] {0.1f, 0.9f}, 2, 10);
    assertThat(top.rows()).containsExactly(11, 10);
  }
}
