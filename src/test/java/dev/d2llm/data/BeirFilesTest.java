package dev.d2llm.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeirFilesTest {

  @TempDir Path dir;

  @Test
  void readsCorpusQueriesAndQrelsInFileOrder() {
    RetrievalSet set = BeirFiles.read(Fixtures.data("beir/tiny"));
    assertThat(set.corpus().keySet()).containsExactly("d1", "d2", "d3", "4");
    assertThat(set.corpus().get("d1"))
        .isEqualTo(
            new CorpusDocument("d1", "Axon", "Axon terminals are the distal ends of an axon."));
    assertThat(set.queries().keySet()).containsExactly("q1", "q2", "q3");
    assertThat(set.queries().get("q2").text()).isEqualTo("causes of left ventricular hypertrophy");
    assertThat(set.qrels().byQuery())
        .isEqualTo(Map.of("q1", Map.of("d1", 2), "q2", Map.of("d2", 3, "d3", 0)));
  }

  @Test
  void missingOrNullTitleReadsAsEmptyAndNumericIdsAsText() {
    RetrievalSet set = BeirFiles.read(Fixtures.data("beir/tiny"));
    assertThat(set.corpus().get("d3").title()).isEmpty();
    assertThat(set.corpus().get("4").title()).isEmpty();
  }

  @Test
  void gradesAreLookedUpWithZeroForUnjudged() {
    Qrels qrels = BeirFiles.read(Fixtures.data("beir/tiny")).qrels();
    assertThat(qrels.grade("q2", "d2")).isEqualTo(3);
    assertThat(qrels.grade("q2", "d1")).isZero();
    assertThat(qrels.forQuery("q3")).isEmpty();
  }

  @Test
  void judgedQueriesAreThoseWithAPositiveGrade() {
    RetrievalSet set = BeirFiles.read(Fixtures.data("beir/tiny"));
    assertThat(set.judgedQueries()).extracting(RetrievalQuery::id).containsExactly("q1", "q2");
  }

  @Test
  void qrelsNamingAnUnknownDocumentAreRejectedWithTheLine() throws IOException {
    writeSet("q1\td1\t1\nq1\td9\t1\n");
    Path qrels = dir.resolve("qrels/test.tsv");
    assertThatThrownBy(() -> BeirFiles.read(dir))
        .isInstanceOf(DataFormatException.class)
        .hasMessage(qrels + ":3: corpus id 'd9' is not in corpus.jsonl");
  }

  @Test
  void nonIntegerGradeIsRejected() throws IOException {
    writeSet("q1\td1\thigh\n");
    assertThatThrownBy(() -> BeirFiles.read(dir))
        .hasMessageEndingWith(":2: expected an integer relevance grade, found 'high'");
  }

  @Test
  void malformedJsonIsRejectedNamingFileAndLine() throws IOException {
    writeSet("q1\td1\t1\n");
    Files.writeString(
        dir.resolve("corpus.jsonl"),
        "{\"_id\": \"d1\", \"text\": \"a\"}\n{\"_id\": \"d2\", \"text\": \n");
    assertThatThrownBy(() -> BeirFiles.read(dir))
        .isInstanceOf(DataFormatException.class)
        .hasMessageStartingWith(dir.resolve("corpus.jsonl") + ":2: not valid JSON");
  }

  @Test
  void documentWithoutTextIsRejected() throws IOException {
    writeSet("q1\td1\t1\n");
    Files.writeString(dir.resolve("corpus.jsonl"), "{\"_id\": \"d1\", \"title\": \"t\"}\n");
    assertThatThrownBy(() -> BeirFiles.read(dir))
        .hasMessage(
            dir.resolve("corpus.jsonl") + ":1: expected a string 'text', found no such field");
  }

  @Test
  void duplicateDocumentIdIsRejected() throws IOException {
    writeSet("q1\td1\t1\n");
    Files.writeString(
        dir.resolve("corpus.jsonl"),
        "{\"_id\": \"d1\", \"text\": \"a\"}\n{\"_id\": \"d1\", \"text\": \"b\"}\n");
    assertThatThrownBy(() -> BeirFiles.read(dir))
        .hasMessage(dir.resolve("corpus.jsonl") + ":2: duplicate document id 'd1'");
  }

  @Test
  void otherSplitsAreReadByName() throws IOException {
    writeSet("q1\td1\t1\n");
    Files.writeString(dir.resolve("qrels/dev.tsv"), BeirFiles.QRELS_HEADER + "\nq1\td1\t2\n");
    assertThat(BeirFiles.read(dir, "dev").qrels().grade("q1", "d1")).isEqualTo(2);
  }

  private void writeSet(String qrelRows) throws IOException {
    Files.writeString(
        dir.resolve("corpus.jsonl"), "{\"_id\": \"d1\", \"title\": \"\", \"text\": \"a\"}\n");
    Files.writeString(dir.resolve("queries.jsonl"), "{\"_id\": \"q1\", \"text\": \"q\"}\n");
    Files.createDirectories(dir.resolve("qrels"));
    Files.writeString(dir.resolve("qrels/test.tsv"), BeirFiles.QRELS_HEADER + "\n" + qrelRows);
  }
}
