package dev.d2llm.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairFilesTest {

  @TempDir Path dir;

  @Test
  void decimalScoresAreDetectedAsSts() {
    PairSet set = PairFiles.read(Fixtures.data("pairs/sts.tsv"));
    assertThat(set.task()).isEqualTo(PairTask.STS);
    assertThat(set.pairs()).hasSize(5);
    assertThat(set.pairs().get(0))
        .isEqualTo(new LabelledPair("A man is playing a guitar.", "A man plays the guitar.", 4.8));
  }

  @Test
  void sickScoresOnOneToFiveWrittenAsIntegersAreSts() {
    PairSet set = PairFiles.read(Fixtures.data("pairs/sick-relatedness.tsv"));
    assertThat(set.task()).isEqualTo(PairTask.STS);
    assertThat(set.pairs()).extracting(LabelledPair::label).containsExactly(5.0, 1.0, 4.2);
  }

  @Test
  void zeroOneLabelsAreDetectedAsBinary() {
    PairSet set = PairFiles.read(Fixtures.data("pairs/binary.tsv"));
    assertThat(set.task()).isEqualTo(PairTask.BINARY);
    assertThat(set.pairs()).extracting(LabelledPair::label).containsExactly(1.0, 0.0, 1.0);
    assertThat(set.pairs().get(0).text1()).isEqualTo("花呗怎么还款");
  }

  @Test
  void nliWordsAreDetectedWithNeutralKeptDistinct() {
    PairSet set = PairFiles.read(Fixtures.data("pairs/nli.tsv"));
    assertThat(set.task()).isEqualTo(PairTask.NLI);
    assertThat(set.pairs())
        .extracting(p -> NliLabel.ofValue(p.label()))
        .containsExactly(NliLabel.ENTAILMENT, NliLabel.CONTRADICTION, NliLabel.NEUTRAL);
  }

  @Test
  void binaryPairsOfAnNliSetDropNeutral() {
    PairSet set = PairFiles.read(Fixtures.data("pairs/nli.tsv"));
    assertThat(set.binaryPairs()).extracting(LabelledPair::label).containsExactly(1.0, 0.0);
  }

  @Test
  void anStsSetHasNoBinaryPairs() {
    PairSet set = PairFiles.read(Fixtures.data("pairs/sts.tsv"));
    assertThatThrownBy(set::binaryPairs)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("STS");
  }

  @Test
  void mixedNumericAndNliLabelsAreRejectedNamingFileAndLine() throws IOException {
    Path file = pairs("a\tb\t1\nc\td\tentailment\n");
    assertThatThrownBy(() -> PairFiles.read(file))
        .isInstanceOf(DataFormatException.class)
        .hasMessageStartingWith(file + ":3: mixed labels")
        .asInstanceOf(InstanceOfAssertFactories.type(DataFormatException.class))
        .extracting(DataFormatException::line)
        .isEqualTo(3L);
  }

  @Test
  void unknownLabelIsRejectedNamingFileAndLine() throws IOException {
    Path file = pairs("a\tb\t1\nc\td\t0\ne\tf\tmaybe\n");
    assertThatThrownBy(() -> PairFiles.read(file))
        .isInstanceOf(DataFormatException.class)
        .hasMessage(
            file
                + ":4: unknown label 'maybe'; expected a number or one of entailment, neutral or contradiction");
  }

  @Test
  void lineWithTwoFieldsIsRejectedNamingFileAndLine() throws IOException {
    Path file = pairs("a\tb\t1\nc and d\t0\n");
    assertThatThrownBy(() -> PairFiles.read(file))
        .isInstanceOf(DataFormatException.class)
        .hasMessage(
            file + ":3: expected 3 tab-separated fields (sentence1, sentence2, label), found 2");
  }

  @Test
  void emptySentenceIsRejected() throws IOException {
    Path file = pairs("\tb\t1\n");
    assertThatThrownBy(() -> PairFiles.read(file)).hasMessage(file + ":2: empty sentence1");
  }

  @Test
  void wrongHeaderIsRejected() throws IOException {
    Path file = dir.resolve("noheader.tsv");
    Files.writeString(file, "a\tb\t1\n");
    assertThatThrownBy(() -> PairFiles.read(file))
        .hasMessage(
            file + ":1: expected the header 'sentence1\\tsentence2\\tlabel', found 'a\\tb\\t1'");
  }

  @Test
  void aNamedTaskRejectsLabelsOfAnotherTask() throws IOException {
    Path file = pairs("a\tb\t1\nc\td\t3.5\n");
    assertThat(PairFiles.read(file).task()).isEqualTo(PairTask.STS);
    assertThatThrownBy(() -> PairFiles.read(file, PairTask.BINARY))
        .hasMessage(file + ":3: label '3.5' is not a BINARY label; expected 0 or 1");
  }

  @Test
  void aNamedTaskReadsAZeroOneFileAsSts() throws IOException {
    Path file = pairs("a\tb\t1\nc\td\t0\n");
    assertThat(PairFiles.read(file, PairTask.STS).task()).isEqualTo(PairTask.STS);
  }

  @Test
  void nonFiniteNumbersAreNotLabels() throws IOException {
    Path file = pairs("a\tb\tNaN\n");
    assertThatThrownBy(() -> PairFiles.read(file)).hasMessageContaining(":2: unknown label 'NaN'");
  }

  @Test
  void windowsLineEndsAndByteOrderMarkAreTolerated() throws IOException {
    Path file = dir.resolve("crlf.tsv");
    Files.writeString(
        file, "\uFEFFsentence1\tsentence2\tlabel\r\na\tb\tNeutral\r\n", StandardCharsets.UTF_8);
    PairSet set = PairFiles.read(file);
    assertThat(set.task()).isEqualTo(PairTask.NLI);
    assertThat(set.pairs()).containsExactly(new LabelledPair("a", "b", NliLabel.NEUTRAL.value()));
  }

  @Test
  void quotesAreTextNotQuoting() {
    PairSet set = PairFiles.read(Fixtures.data("pairs/sts.tsv"));
    assertThat(set.pairs().get(3).text1()).isEqualTo("A child rides a \"red\" bike.");
  }

  @Test
  void aFileWithOnlyTheHeaderCannotBeDetected() throws IOException {
    Path file = pairs("");
    assertThatThrownBy(() -> PairFiles.read(file))
        .hasMessage(file + ": no pairs after the header; cannot tell the task");
  }

  private Path pairs(String body) throws IOException {
    Path file = dir.resolve("pairs.tsv");
    Files.writeString(file, PairFiles.HEADER + "\n" + body, StandardCharsets.UTF_8);
    return file;
  }
}
