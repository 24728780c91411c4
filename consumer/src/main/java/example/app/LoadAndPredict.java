package example.app;

import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * JVM 2, a fresh process: loads the ticket that {@link DrawAndSave} saved, predicts the same probe images and
 * exits with status 1 unless every predicted class equals JVM 1's and every logit agrees to 1e-5. Usage:
 * {@code LoadAndPredict DIR}.
 */
public final class LoadAndPredict {
  private LoadAndPredict() {}

  /** Loads and checks the ticket in {@code DIR}, the only argument. */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: LoadAndPredict DIR");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    // begin load and predict
    Backend.init(); // once, before anything touches ND4J
    SuperTicket ticket = SuperTicket.load(dir.resolve("ticket.stkt")); // FileFormatException if damaged or newer
    INDArray images = Probe.images(); // NHWC [N, 28, 28, 1], pixels in [0, 1]
    INDArray logits = ticket.predict(images); // [N, 10]; the ticket applies its own normalisation
    // end load and predict
    List<String> expected = Files.readAllLines(dir.resolve(Probe.PREDICTIONS));
    List<String> actual = Probe.lines(logits);

    String problem = compare(expected, ticket.toString(), actual);
    if (problem != null) {
      System.err.println("JVM 2: the loaded ticket does not predict what the drawn one did: " + problem);
      System.exit(1);
    }
    long identical = actual.stream().filter(expected::contains).count();
    System.out.printf("JVM 2: loaded %s; its %d predictions match JVM 1's (%d lines bit for bit)%n", ticket,
        actual.size(), identical);
  }

  /** Null if the predictions agree, else what differs first. */
  private static String compare(List<String> expected, String ticket, List<String> actual) {
    if (!expected.get(0).equals("# " + ticket)) {
      return "saved " + expected.get(0).substring(2) + ", loaded " + ticket;
    }
    List<String> rows = expected.subList(1, expected.size());
    if (rows.size() != actual.size()) {
      return rows.size() + " predictions saved, " + actual.size() + " made";
    }
    for (int i = 0; i < rows.size(); i++) {
      String[] e = rows.get(i).split("\t");
      String[] a = actual.get(i).split("\t");
      if (!e[1].equals(a[1])) {
        return "image " + i + ": class " + e[1] + " saved, " + a[1] + " predicted";
      }
      for (int c = 2; c < e.length; c++) {
        float x = Float.parseFloat(e[c]);
        float y = Float.parseFloat(a[c]);
        if (Math.abs(x - y) > 1e-5f * Math.max(1f, Math.abs(x))) {
          return "image " + i + ", logit " + (c - 2) + ": " + x + " saved, " + y + " predicted";
        }
      }
    }
    return null;
  }
}
