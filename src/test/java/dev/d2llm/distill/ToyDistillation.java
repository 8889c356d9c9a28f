package dev.d2llm.distill;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import dev.d2llm.backbone.BackboneConfig;
import dev.d2llm.data.TrainingExample;
import dev.d2llm.lora.LoraConfig;
import dev.d2llm.student.Branch;
import dev.d2llm.student.Student;
import dev.d2llm.student.StudentConfig;
import dev.d2llm.teacher.TeacherScoreCache;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The distillation the distill tests share: the tiny BERT student with its backbone frozen (token
 * states cached), {@link DistillerTest#examples()} scored by the overlap teacher into a cache, and
 * PMA and IEM trained by a {@link Distiller}.
 */
record ToyDistillation(
    BatchPlan plan,
    CachedTokenStates states,
    Map<String, Parameter> trainable,
    Distiller distiller) {

  static final Path BERT = Path.of("test/resources/models/tiny-bert").toAbsolutePath();

  /** The toy student's configuration: LoRA defaults for BERT, 4 PMA heads, an IEM of 16. */
  static StudentConfig config() {
    return new StudentConfig(
        BERT.toString(), LoraConfig.defaults(BackboneConfig.read(BERT)), 4, 16);
  }

  /** A fresh toy student, the same weights every time. */
  static Student student() {
    return Student.create(BERT, config(), Device.cpu(), 1);
  }

  /**
   * Fills {@code cache} with the teacher's scores for the plan and builds the distiller over {@code
   * student}.
   */
  static ToyDistillation of(Student student, TeacherScoreCache cache, DistillOptions options) {
    List<TrainingExample> examples = DistillerTest.examples();
    BatchPlan plan =
        BatchPlan.of(
            examples, options.batchSize(), options.negatives(), options.epochs(), options.seed());
    cache.fill(
        new DistillerTest.OverlapTeacher(),
        Branch.SYMMETRIC,
        new ArrayList<>(plan.teacherPairs(examples)),
        64,
        n -> {});
    CachedTokenStates states = CachedTokenStates.build(student, plan.texts(examples), n -> {});
    Map<String, Parameter> trainable = new LinkedHashMap<>(student.trainableParameters());
    trainable.keySet().removeIf(Student::isAdapterParameter);
    Distiller distiller =
        new Distiller(
            student,
            examples,
            states,
            cache,
            "overlap",
            Map.of("toy", Branch.SYMMETRIC),
            options,
            trainable,
            plan.steps().size());
    return new ToyDistillation(plan, states, trainable, distiller);
  }
}
