package dev.d2llm.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of malformed job spec is refused before any work, with a message that locates and
 * names the fault.
 */
class JobSpecValidationTest {

  @TempDir Path dir;

  private Path pairs;

  @BeforeEach
  void data() throws Exception {
    pairs = Files.writeString(dir.resolve("pairs.tsv"), "a\tb\t1\n");
  }

  private static final String GOOD =
      """
      name: toy
      output: runs/toy
      vars:
        data: %s
      steps:
        - name: examples
          run: mine
          with:
            data:
              - ${data}/pairs.tsv
            out: ${output}/examples.jsonl
            k: 4
            language: ENGLISH
        - name: teacher
          run: train
          with:
            train: ${data}/pairs.tsv
            out: ${output}/teacher
            lr: 1e-3
            verbose: true
        - name: score
          run: eval
          with:
            model: ${output}/teacher
            data: ${output}/examples.jsonl
            task: sts
      """;

  private JobPlan plan(String yaml) {
    JobSpec spec = JobSpecReader.read(yaml, "job.yaml");
    try (Places places = new Places(null)) {
      return new JobPlanner(new ToyCatalog(), places::exists).plan(spec, dir, null);
    }
  }

  private String good() {
    return GOOD.formatted(dir);
  }

  private List<String> problems(String yaml) {
    try {
      plan(yaml);
    } catch (InvalidJobException e) {
      return e.problems().stream().map(JobProblem::toString).toList();
    }
    throw new AssertionError("the spec was accepted:\n" + yaml);
  }

  @Test
  void aWellFormedSpecBecomesAPlanWithEveryPlaceResolved() {
    JobPlan plan = plan(good());
    assertThat(plan.name()).isEqualTo("toy");
    assertThat(plan.device()).isEqualTo("cpu");
    assertThat(plan.output().path()).isEqualTo(dir.resolve("runs/toy"));
    assertThat(plan.steps())
        .extracting(JobPlan.Step::name)
        .containsExactly("examples", "teacher", "score");
    assertThat(plan.steps().get(0).outputs())
        .extracting(Location::path)
        .containsExactly(dir.resolve("runs/toy/examples.jsonl"));
    assertThat(plan.steps().get(0).arguments().get(0).locations())
        .extracting(Location::path)
        .containsExactly(pairs);
  }

  @Test
  void invalidYamlIsReportedWithItsLine() {
    assertThat(problems("name: toy\nsteps:\n  - name: [unclosed\n"))
        .singleElement()
        .asString()
        .startsWith("job.yaml:4")
        .contains("not valid YAML");
  }

  @Test
  void aVariableInAFlowCollectionGetsAHintToQuoteIt() {
    assertThat(problems(good().replace("- ${data}/pairs.tsv", "[${data}/pairs.tsv]")))
        .singleElement()
        .asString()
        .contains("not valid YAML")
        .contains("quote values that hold ${...}");
  }

  @Test
  void anEmptySpecAndANonMappingAreRefused() {
    assertThat(problems("")).singleElement().asString().contains("the spec is empty");
    assertThat(problems("- just\n- a list\n"))
        .singleElement()
        .asString()
        .contains("must be a mapping");
  }

  @Test
  void unknownTopLevelAndStepKeysAreNamed() {
    assertThat(problems(good().replace("vars:", "outptu: x\nvars:")))
        .singleElement()
        .asString()
        .contains("job.yaml:3: outptu: unknown key");
    assertThat(problems(good().replace("run: mine", "run: mine\n    args: {}")))
        .singleElement()
        .asString()
        .contains("steps[1].args: unknown key");
  }

  @Test
  void missingNameOutputOrStepsAreNamed() {
    assertThat(problems("output: x\nsteps: []\n"))
        .anySatisfy(p -> assertThat(p).contains("name: missing"))
        .anySatisfy(p -> assertThat(p).contains("steps: is empty"));
    assertThat(problems("name: toy\nsteps: []\n"))
        .anySatisfy(p -> assertThat(p).contains("output: missing"));
    assertThat(problems("name: toy\noutput: x\n"))
        .singleElement()
        .asString()
        .contains("steps: missing");
  }

  @Test
  void anUnknownStepListsTheKnownOnes() {
    assertThat(problems(good().replace("run: eval", "run: evaluate")))
        .singleElement()
        .asString()
        .contains(
            "steps[3] 'score': unknown step 'evaluate'; the steps are [mine, train, eval, pull]");
  }

  @Test
  void anUnknownOptionListsTheStepsOptions() {
    assertThat(problems(good().replace("k: 4", "kk: 4")))
        .singleElement()
        .asString()
        .contains("with.kk: 'mine' has no option 'kk'; it takes [data, out, k, language]");
  }

  @Test
  void aMissingRequiredOptionIsNamed() {
    assertThat(problems(good().replace("      task: sts\n", "")))
        .singleElement()
        .asString()
        .contains("'eval' needs the option 'task'");
  }

  @Test
  void valuesOfTheWrongTypeAreRefused() {
    assertThat(problems(good().replace("k: 4", "k: four")))
        .singleElement()
        .asString()
        .contains("'four' is not a whole number");
    assertThat(problems(good().replace("lr: 1e-3", "lr: fast")))
        .singleElement()
        .asString()
        .contains("'fast' is not a number");
    assertThat(problems(good().replace("verbose: true", "verbose: yes please")))
        .singleElement()
        .asString()
        .contains("is not true or false");
    assertThat(problems(good().replace("language: ENGLISH", "language: FRENCH")))
        .singleElement()
        .asString()
        .contains("'FRENCH' is not one of [ENGLISH, CHINESE]");
    assertThat(problems(good().replace("k: 4", "k: [4, 5]")))
        .singleElement()
        .asString()
        .contains("takes one value, not a list");
    assertThat(problems(good().replace("k: 4", "k: {a: 1}")))
        .singleElement()
        .asString()
        .contains("not a mapping");
  }

  @Test
  void aVariableGivenTwiceIsRefused() {
    assertThat(problems(good().replace("vars:\n", "vars:\n  data: /elsewhere\n")))
        .singleElement()
        .asString()
        .contains("vars.data: given twice");
  }

  @Test
  void anUnknownVariableIsNamed() {
    assertThat(problems(good().replace("- ${data}/pairs.tsv", "- ${dataset}/pairs.tsv")))
        .anySatisfy(
            p -> assertThat(p).contains("unknown variable ${dataset}; known: [data, output]"));
  }

  @Test
  void badLocationsAreRefused() {
    assertThat(problems(good().replace("output: runs/toy", "output: gs://bucket/runs")))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("output: 'gs://bucket/runs' has the unsupported scheme 'gs:'"));
    assertThat(problems(good().replace("out: ${output}/teacher", "out: s3:///no-bucket")))
        .anySatisfy(p -> assertThat(p).contains("must be s3://bucket/key"));
    assertThat(problems(good().replace("out: ${output}/teacher", "out: file://host/teacher")))
        .anySatisfy(p -> assertThat(p).contains("must be file:///absolute/path"));
  }

  @Test
  void aMissingInputIsNamed() {
    assertThat(problems(good().replace("train: ${data}/pairs.tsv", "train: ${data}/nothing.tsv")))
        .singleElement()
        .asString()
        .contains(
            "steps[2] 'teacher' with.train: the input "
                + dir.resolve("nothing.tsv")
                + " does not exist");
  }

  @Test
  void anInputWhoseStoreCannotBeReachedIsOneMoreProblemNotTheEndOfTheCheck() {
    JobSpec spec =
        JobSpecReader.read(good().replace("name: toy", "name: toy\ndevice: tpu"), "job.yaml");
    assertThatThrownBy(
            () ->
                new JobPlanner(
                        new ToyCatalog(),
                        place -> {
                          throw new IllegalStateException(
                              "Unable to load credentials from any of the providers : [long list]");
                        })
                    .plan(spec, dir, null))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e ->
                assertThat(e.problems())
                    .extracting(JobProblem::toString)
                    .anySatisfy(p -> assertThat(p).contains("device: 'tpu' is not a device"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .endsWith(
                                    "cannot tell whether the input "
                                        + pairs
                                        + " exists (nor any other in the local file system): Unable to load credentials from any of the providers"))
                    .filteredOn(p -> p.contains("cannot tell"))
                    .hasSize(1));
  }

  @Test
  void anInputWrittenOnlyByALaterStepIsAnOrderingMistake() {
    String swapped =
        good().replace("data: ${output}/examples.jsonl", "data: ${output}/later.tsv")
            + """
          - name: late
            run: mine
            with:
              data: [%s]
              out: ${output}/later.tsv
        """
                .formatted(pairs);
    assertThat(problems(swapped))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains(
                        "reads "
                            + dir.resolve("runs/toy/later.tsv")
                            + ", which step 'late' (step 4) writes later"));
  }

  @Test
  void duplicateStepNamesAndTwoWritersOfOnePlaceAreRefused() {
    String twice = good().replace("name: teacher", "name: examples");
    assertThat(problems(twice))
        .anySatisfy(p -> assertThat(p).contains("another step already has this name"));
    String clash = good().replace("out: ${output}/teacher", "out: ${output}/examples.jsonl");
    assertThat(problems(clash))
        .anySatisfy(p -> assertThat(p).contains("that step 'examples' writes"));
  }

  @Test
  void anOutputThatHoldsAnotherStepsOutputTheJobsOutputOrABucketIsRefused() {
    String nested =
        good().replace("out: ${output}/teacher", "out: ${output}/examples.jsonl/teacher");
    assertThat(problems(nested))
        .anySatisfy(
            p -> assertThat(p).contains("overlaps " + dir.resolve("runs/toy/examples.jsonl")));
    assertThat(problems(good().replace("out: ${output}/teacher", "out: ${output}")))
        .anySatisfy(p -> assertThat(p).contains("which holds the job's output"));
    assertThat(problems(good().replace("out: ${output}/teacher", "out: s3://bucket")))
        .anySatisfy(p -> assertThat(p).contains("writes the whole bucket s3://bucket"));
  }

  @Test
  void anS3KeyThatClimbsOrHasEmptySegmentsIsRefused() {
    assertThat(problems(good().replace("out: ${output}/teacher", "out: s3://bucket/x/../../etc")))
        .anySatisfy(
            p -> assertThat(p).contains("object key 'x/../../etc' must not contain '..' segments"));
    assertThat(problems(good().replace("out: ${output}/teacher", "out: s3://bucket//home/me")))
        .anySatisfy(
            p -> assertThat(p).contains("object key '/home/me' must be relative: no leading '/'"));
    assertThat(problems(good().replace("out: ${output}/teacher", "out: s3://bucket/x//y")))
        .anySatisfy(p -> assertThat(p).contains("object key 'x//y' has an empty segment"));
  }

  @Test
  void aBadDeviceOrJobNameIsRefused() {
    assertThat(problems(good().replace("name: toy", "name: toy\ndevice: tpu")))
        .singleElement()
        .asString()
        .contains("device: 'tpu' is not a device");
    assertThat(problems(good().replace("name: toy", "name: my job")))
        .singleElement()
        .asString()
        .contains("name: 'my job' must be letters");
  }

  @Test
  void aRelativePathInARemoteSpecIsRefused() {
    JobSpec spec = JobSpecReader.read(good(), "s3://bucket/job.yaml");
    try (Places places = new Places(null)) {
      assertThatThrownBy(
              () -> new JobPlanner(new ToyCatalog(), places::exists).plan(spec, null, null))
          .isInstanceOf(InvalidJobException.class)
          .hasMessageContaining("'runs/toy' is a relative path in a spec that is not a local file");
    }
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String many =
        good()
            .replace("k: 4", "k: four")
            .replace("run: eval", "run: evaluate")
            .replace("lr: 1e-3", "lr: x");
    assertThat(problems(many)).hasSize(3);
  }

  @Test
  void aModelNameIsPassedAsItIsWhileAModelPathMustExist() {
    JobPlan plan = plan(good().replace("model: ${output}/teacher", "model: default"));
    JobPlan.Argument model = plan.steps().get(2).arguments().get(0);
    assertThat(model.values()).containsExactly("default");
    assertThat(model.locations()).isEmpty();
    assertThat(problems(good().replace("model: ${output}/teacher", "model: /no/such/model")))
        .singleElement()
        .asString()
        .contains("the input /no/such/model does not exist");
  }
}
