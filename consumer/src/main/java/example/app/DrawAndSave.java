package example.app;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.EmbeddedFashionMnist;
import dev.supertickets.draw.SuperTicketsDrawer;
import dev.supertickets.space.SearchSpaces;
import dev.supertickets.tensor.Backend;
import dev.supertickets.ticket.SuperTicket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * JVM 1: draws a small ticket (tiny28, 2 epochs on 2,000 embedded training images), saves it, and writes the
 * predictions it makes on the probe images beside it. Usage: {@code DrawAndSave DIR}.
 */
public final class DrawAndSave {
  private DrawAndSave() {}

  /** Draws, saves and predicts into {@code DIR}, the only argument. */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: DrawAndSave DIR");
      System.exit(2);
    }
    Path dir = Files.createDirectories(Path.of(args[0]));
    Backend.init(); // before anything touches ND4J: picks the fastest CPU build
    long start = System.nanoTime();
    Dataset train = EmbeddedFashionMnist.train().sample(2000, new SplittableRandom(7));
    Dataset test = EmbeddedFashionMnist.test().subset(0, 500);

    SuperTicket ticket = SuperTicketsDrawer.builder(SearchSpaces.tiny28())
        .seed(7)
        .epochs(2)
        .targetSparsity(0.5)
        .learningRate(0.02)
        .build()
        .draw(train, test);
    Path file = dir.resolve("ticket.stkt");
    ticket.save(file); // atomically; a ZIP that NumPy opens as .npz

    INDArray logits = ticket.predict(Probe.images());
    Probe.write(dir.resolve(Probe.PREDICTIONS), List.of(ticket.toString()), Probe.lines(logits));
    System.out.printf("JVM 1: drew %s in %.1f s, test accuracy %.3f; saved %s with %d predictions%n", ticket,
        (System.nanoTime() - start) / 1e9, ticket.evaluate(test).accuracy(), file, logits.rows());
  }
}
