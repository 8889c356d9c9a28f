package dev.d2llm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.d2llm.data.CorpusDocument;
import dev.d2llm.data.CorpusFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Synthetic passages are two different pool sentences, unique, and fixed by the seed. */
class SyntheticCorpusTest {

  private static final SyntheticCorpus POOL =
      new SyntheticCorpus(
          IntStream.range(0, 40).mapToObj(i -> "Sentence number " + i + " is here.").toList());

  @Test
  void theSameSeedGivesTheSameCorpus() {
    assertThat(POOL.passages(300, 7)).isEqualTo(POOL.passages(300, 7));
  }

  @Test
  void anotherSeedGivesAnotherCorpus() {
    assertThat(POOL.passages(300, 7)).isNotEqualTo(POOL.passages(300, 8));
  }

  @Test
  void everyPassageIsUniqueAndJoinsTwoDifferentPoolSentences() {
    List<CorpusDocument> passages = POOL.passages(700, 1);
    Set<String> pool = new HashSet<>(POOL.sentences());

    assertThat(passages).extracting(CorpusDocument::text).doesNotHaveDuplicates();
    assertThat(passages).extracting(CorpusDocument::id).doesNotHaveDuplicates();
    for (CorpusDocument d : passages) {
      int split = d.text().indexOf(". ") + 1;
      String first = d.text().substring(0, split);
      String second = d.text().substring(split + 1);
      assertThat(pool).contains(first, second);
      assertThat(first).isNotEqualTo(second);
    }
  }

  @Test
  void aPoolTooSmallForTheCountIsRefused() {
    SyntheticCorpus three = new SyntheticCorpus(List.of("a b c d", "e f g h", "i j k l"));

    assertThat(three.passages(3, 1)).hasSize(3);
    assertThatThrownBy(() -> three.passages(4, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 3]");
  }

  @Test
  void duplicateSentencesCountOnce() {
    SyntheticCorpus pool =
        new SyntheticCorpus(
            List.of("one two three four", " one two three four ", "five six seven"));

    assertThat(pool.sentences()).containsExactly("one two three four", "five six seven");
  }

  @Test
  void theSharedDataPoolHoldsPairSentencesAndPassageSentencesButNoHeldOutOne(@TempDir Path data)
      throws IOException {
    String header = "sentence1\tsentence2\tlabel\n";
    write(
        data.resolve("en/stsb/train.tsv"),
        header + "A man plays a guitar.\tThe query sentence is here.\t3.0\n");
    write(
        data.resolve("en/sick-r/train.tsv"),
        header + "A dog runs in the park.\tA man plays a guitar.\t4.1\n");
    write(
        data.resolve("en/sick-r/dev.tsv"),
        header + "Two kids are playing outside.\tA woman is cooking dinner.\t1.2\n");
    write(
        data.resolve("en/msmarco-5k/corpus.jsonl"),
        "{\"_id\": \"p1\", \"title\": \"\", \"text\": "
            + "\"The river flows to the sea. Short one. It is the longest river in the region.\"}\n");

    SyntheticCorpus corpus =
        SyntheticCorpus.fromSharedData(data, Set.of("The query sentence is here."));

    assertThat(corpus.sentences())
        .containsExactly(
            "A man plays a guitar.",
            "A dog runs in the park.",
            "Two kids are playing outside.",
            "A woman is cooking dinner.",
            "The river flows to the sea.",
            "It is the longest river in the region.");
  }

  @Test
  void passagesSplitIntoSentencesOfFourToSixtyWords() {
    List<String> s =
        SyntheticCorpus.sentencesOf(
            "Too short. This one has enough words in it. " + "And so does this second one. Ok.");

    assertThat(s)
        .containsExactly("This one has enough words in it.", "And so does this second one.");
  }

  @Test
  void writtenPassagesReadBackAsACorpus(@TempDir Path dir) {
    List<CorpusDocument> passages = POOL.passages(50, 3);
    Path file = dir.resolve("corpus.jsonl");

    SyntheticCorpus.writeJsonLines(passages, file);

    assertThat(CorpusFiles.read(file)).isEqualTo(passages);
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
