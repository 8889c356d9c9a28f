package dev.d2llm.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a run's {@code metrics.csv} as a PNG: the total loss per step with its moving average, and
 * the validation score at the steps it was measured, on a second axis.
 */
public final class LossCurve {

  private static final int WINDOW = 20;

  private LossCurve() {}

  /**
   * As {@link #write}, for a run that must go on without its plot: a machine without fonts (a bare
   * GPU image has no fontconfig, and Java2D cannot draw text without it) gets the reason instead of
   * a failed run. Returns empty when the plot was written, else why not.
   */
  public static java.util.Optional<String> tryWrite(Path csv, Path png, String title) {
    try {
      write(csv, png, title);
      return java.util.Optional.empty();
    } catch (RuntimeException | LinkageError e) {
      return java.util.Optional.of(
          png.getFileName()
              + " not drawn ("
              + e
              + "); the figures are in "
              + csv.getFileName()
              + (String.valueOf(e.getMessage()).contains("ontconfig")
                  ? "; install fontconfig and a font (Debian:"
                      + " fontconfig fonts-dejavu-core) to get the plot"
                  : ""));
    }
  }

  /** Reads {@code csv} (columns step, ..., total, ..., validation) and writes {@code png}. */
  public static void write(Path csv, Path png, String title) {
    System.setProperty("java.awt.headless", "true");
    List<Double> steps = new ArrayList<>();
    List<Double> totals = new ArrayList<>();
    List<Double> validationSteps = new ArrayList<>();
    List<Double> validations = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(csv);
      List<String> header = List.of(lines.get(0).split(","));
      int total = header.indexOf("total");
      int validation = header.indexOf("validation");
      if (total < 0 || validation < 0) {
        throw new IllegalArgumentException(
            csv + ": expected columns 'total' and 'validation', found " + header);
      }
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",", -1);
        double step = Double.parseDouble(f[0]);
        if (!f[total].isEmpty()) { // the step-0 row holds only the starting point's validation
          steps.add(step);
          totals.add(Double.parseDouble(f[total]));
        }
        if (!f[validation].isEmpty()) {
          validationSteps.add(step);
          validations.add(Double.parseDouble(f[validation]));
        }
      }
      if (steps.isEmpty()) {
        throw new IllegalArgumentException(csv + " has no steps to plot");
      }
      XYChart chart =
          new XYChartBuilder()
              .width(900)
              .height(500)
              .title(title)
              .xAxisTitle("step")
              .yAxisTitle("loss")
              .build();
      chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
      XYSeries raw = chart.addSeries("total loss", steps, totals);
      raw.setMarker(SeriesMarkers.NONE);
      raw.setLineWidth(0.8f);
      XYSeries smooth =
          chart.addSeries("moving average (" + WINDOW + ")", steps, movingAverage(totals));
      smooth.setMarker(SeriesMarkers.NONE);
      if (!validations.isEmpty()) {
        XYSeries val = chart.addSeries("validation", validationSteps, validations);
        val.setYAxisGroup(1);
        chart.setYAxisGroupTitle(1, "validation score");
      }
      BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot plot " + csv + " to " + png, e);
    }
  }

  static List<Double> movingAverage(List<Double> values) {
    List<Double> out = new ArrayList<>(values.size());
    double sum = 0;
    for (int i = 0; i < values.size(); i++) {
      sum += values.get(i);
      if (i >= WINDOW) {
        sum -= values.get(i - WINDOW);
      }
      out.add(sum / Math.min(i + 1, WINDOW));
    }
    return out;
  }
}
