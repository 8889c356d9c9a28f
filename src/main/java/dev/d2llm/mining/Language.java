package dev.d2llm.mining;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;

/** The language of a data set, which decides how BM25 cuts its texts into terms. */
public enum Language {
  /** Unicode word tokens, lower-cased, English stop words removed; no stemming. */
  ENGLISH {
    @Override
    public Analyzer newAnalyzer() {
      return new StandardAnalyzer(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
    }
  },
  /**
   * Chinese words segmented by SmartCN's hidden Markov model; Latin words lower-cased and stemmed.
   */
  CHINESE {
    @Override
    public Analyzer newAnalyzer() {
      return new SmartChineseAnalyzer();
    }
  };

  /** A fresh analyzer; the caller closes it. */
  public abstract Analyzer newAnalyzer();
}
