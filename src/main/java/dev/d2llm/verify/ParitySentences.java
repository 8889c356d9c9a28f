package dev.d2llm.verify;

import java.util.List;

/**
 * Built-in sentences of mixed length and script for parity checks: short, long, English and
 * Chinese.
 */
public final class ParitySentences {

  private ParitySentences() {}

  public static final List<String> ALL =
      List.of(
          "Hi.",
          "A man is playing a guitar.",
          "The quick brown fox jumps over the lazy dog near the riverbank at dawn.",
          "What is the capital of France?",
          "Paris is the capital and most populous city of France, with an estimated population of over two million residents.",
          "Semantic search ranks passages by meaning rather than by shared words.",
          "ok",
          "Two dogs are running through a field of tall grass while their owner watches from a distance.",
          "How do I reset my password if I no longer have access to the email address on my account?",
          "The stock market fell sharply today.",
          "Shares dropped at the close after the central bank raised interest rates by half a percentage point, surprising analysts.",
          "A woman is slicing an onion.",
          "Photosynthesis converts light energy into chemical energy stored in glucose.",
          "Is it going to rain tomorrow in Seattle?",
          "The committee postponed its decision until more evidence about the long-term environmental effects of the project could be gathered.",
          "Cats sleep a lot.",
          "Which programming language should a beginner learn first, and why do so many people recommend Python?",
          "The Eiffel Tower was completed in 1889.",
          "Large language models can judge relevance, but running them on every query-passage pair is expensive.",
          "No.",
          "Distillation transfers the knowledge of a large teacher model into a smaller, faster student model.",
          "He left the keys on the kitchen table.",
          "During the nineteenth century, railways transformed trade, travel and the very idea of time across Europe and North America.",
          "Where can I buy fresh bread near the train station?",
          "一个男人在弹吉他。",
          "今天天气很好。",
          "如何在不知道旧密码的情况下重置我的账户密码？",
          "北京是中华人民共和国的首都，也是全国的政治、文化和国际交往中心。",
          "猫喜欢睡觉。",
          "语义搜索根据含义而不是共同的词语对段落进行排序。",
          "股市今天大幅下跌，分析师认为这与央行意外加息有关。",
          "你好",
          "这部电影讲述了一个普通家庭在经历了一系列意想不到的变故之后，如何重新找到生活的希望和勇气的故事。",
          "请问最近的地铁站在哪里？",
          "蒸馏把大型教师模型的知识转移到更小更快的学生模型中。",
          "Mixed text 混合文本 with both scripts 两种文字.");
}
