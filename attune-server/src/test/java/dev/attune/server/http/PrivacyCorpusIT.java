package dev.attune.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.api.MemoryBody;
import dev.attune.api.MessageBody;
import dev.attune.api.ObserveBody;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.TenantId;
import dev.attune.core.testing.RawBytes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Observes a corpus of messages full of personal data through the HTTP API, then reads the raw
 * bytes of every file in the data directory (database, WAL, shared memory) and counts the personal
 * values found in them. The corpus is generated from templates written for this test, with values
 * in many formats (cards pass Luhn, IBANs pass mod 97), from a fixed seed.
 */
class PrivacyCorpusIT {
  private static final int MESSAGES = 240;

  /** One message and the personal values it carries. */
  record Sample(String text, List<String> values) {}

  @Test
  void noObservedPersonalValueReachesTheDataDirectory() throws Exception {
    List<Sample> corpus = corpus(new Random(20261126), MESSAGES);
    Set<String> values = new LinkedHashSet<>();
    corpus.forEach(s -> values.addAll(s.values()));
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);

    // Redaction is what is tested here: encryption at rest would hide a value redaction missed.
    try (TestServer server =
        new TestServer(
            Map.of("encryption", "off"), new dev.attune.core.testing.HashingEmbedder())) {
      String key = server.key("acme", KeyRole.SERVICE);
      // Conversations of 6 messages for 40 users: the observe queue, episodes, memories, FTS.
      for (int i = 0; i < corpus.size(); i += 6) {
        List<MessageBody> batch = new ArrayList<>();
        for (Sample s : corpus.subList(i, Math.min(corpus.size(), i + 6))) {
          batch.add(MessageBody.user(s.text()));
        }
        TestServer.Reply r =
            server.post(
                "/v1/observe?wait=true",
                key,
                new ObserveBody("user-" + (i / 6), null, "s1", batch));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("status").asText()).isEqualTo("done");
      }
      // Explicit memories with personal data are refused with a 422 naming the field.
      for (Sample s : corpus.subList(0, 12)) {
        TestServer.Reply r =
            server.post(
                "/v1/users/user-0/memories",
                key,
                new MemoryBody.Create(s.text(), "fact", null, null));
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.errorField()).isEqualTo("text");
      }
      // Something was learned: the corpus is not refused wholesale.
      long learned = server.attune.countActiveMemories(TenantId.of("acme"));
      assertThat(learned).isGreaterThanOrEqualTo(20);

      Map<String, Integer> whileRunning = scan(server.dir, values);
      server.close();
      Map<String, Integer> afterClose = scan(server.dir, values);
      int found = whileRunning.size() + afterClose.size();
      System.out.printf(
          "privacy corpus: %d messages, %d distinct personal values, %d memories learned, %d"
              + " values found in the data directory's bytes %s%n",
          corpus.size(), values.size(), learned, found, whileRunning.isEmpty() ? "" : whileRunning);
      assertThat(whileRunning).as("personal values in the data directory").isEmpty();
      assertThat(afterClose).as("personal values in the data directory").isEmpty();
    }
  }

  @Test
  void anOrgsDataPolicyIsSetOverHttpValidatedAndAudited() throws Exception {
    try (TestServer server = new TestServer()) {
      String key = server.key("acme", KeyRole.ADMIN);
      TestServer.Reply bad =
          server.send(
              "PUT", "/v1/orgs/clinic", key, "{\"data_policy\": {\"detectors\": [\"dna\"]}}");
      assertThat(bad.status()).isEqualTo(422);
      assertThat(bad.errorField()).isEqualTo("data_policy.detectors[0]");
      TestServer.Reply unknown =
          server.send("PUT", "/v1/orgs/clinic", key, "{\"data_policy\": {\"colour\": []}}");
      assertThat(unknown.status()).isBetween(400, 422);
      assertThat(unknown.errorField()).contains("colour");

      TestServer.Reply put =
          server.send(
              "PUT",
              "/v1/orgs/clinic",
              key,
              "{\"name\": \"Clinic\", \"data_policy\": {\"blocked_categories\": [\"location\"],"
                  + " \"detectors\": [\"email\", \"phone\"]}}");
      assertThat(put.status()).as(put.body()).isEqualTo(200);
      assertThat(put.json().path("data_policy").path("blocked_categories").get(0).asText())
          .isEqualTo("location");
      assertThat(put.json().path("data_policy").path("detectors").size()).isEqualTo(2);

      TestServer.Reply observed =
          server.post(
              "/v1/observe?wait=true",
              key,
              new ObserveBody(
                  "ann",
                  "clinic",
                  "s1",
                  List.of(
                      MessageBody.user("I live in Porto. Mail me at ann@example.org."),
                      MessageBody.user("I love sailing."))));
      assertThat(observed.status()).isEqualTo(200);
      TestServer.Reply memories = server.get("/v1/users/ann/memories", key);
      assertThat(memories.body()).contains("sailing").doesNotContain("Porto");

      TestServer.Reply audit = server.get("/v1/audit?user_id=ann", key);
      assertThat(audit.body())
          .contains("\"role\":\"system\"", "privacy.redact", "email=1", "privacy.drop_memory")
          .doesNotContain("ann@example.org");
    }
  }

  /** The values present in any file under {@code dir}, with the file count for each. */
  private static Map<String, Integer> scan(Path dir, Set<String> values) throws IOException {
    List<String> files = RawBytes.latin1Files(dir);
    Map<String, Integer> found = new java.util.TreeMap<>();
    for (String v : values) {
      for (String form : forms(v)) {
        String needle = RawBytes.latin1(form);
        for (String file : files) {
          if (file.contains(needle)) {
            found.merge(v, 1, Integer::sum);
          }
        }
      }
    }
    return found;
  }

  /** The value as written, and for long numbers its digits alone. */
  private static List<String> forms(String value) {
    String digits = value.replaceAll("\\D", "");
    return digits.length() >= 9 && !digits.equals(value) ? List.of(value, digits) : List.of(value);
  }

  // ---- the corpus ----

  private record Kind(List<String> templates, Supplier<String> value) {}

  static List<Sample> corpus(Random rnd, int size) {
    List<Kind> kinds = kinds(rnd);
    List<Sample> out = new ArrayList<>();
    String[] facts = {
      "I love hiking in the mountains.",
      "I work as a nurse.",
      "I prefer short answers.",
      "I have two cats.",
      "I am learning Portuguese.",
      "I play the cello.",
    };
    for (int i = 0; out.size() < size; i++) {
      if (i % 8 == 7) {
        // Several kinds in one message.
        Kind a = kinds.get(rnd.nextInt(kinds.size()));
        Kind b = kinds.get(rnd.nextInt(kinds.size()));
        String va = a.value().get();
        String vb = b.value().get();
        out.add(
            new Sample(
                fill(a, rnd, va) + " Also: " + fill(b, rnd, vb) + " " + facts[i % facts.length],
                List.of(va, vb)));
      } else {
        Kind k = kinds.get(i % kinds.size());
        String v = k.value().get();
        String text = fill(k, rnd, v);
        if (i % 3 == 0) {
          text = text + " " + facts[i % facts.length];
        }
        out.add(new Sample(text, List.of(v)));
      }
    }
    return out;
  }

  private static String fill(Kind k, Random rnd, String value) {
    return k.templates().get(rnd.nextInt(k.templates().size())).replace("{}", value);
  }

  private static List<Kind> kinds(Random rnd) {
    return List.of(
        new Kind(
            List.of(
                "You can email me at {} anytime.",
                "My work email is {}",
                "Contact: {} (personal)",
                "send the invoice to {} please",
                "I changed my address to {} last week, use that one."),
            pick(
                rnd,
                "maria.gonzalez@example.com",
                "raj_patel88@mail.example.in",
                "Chen.Wei+newsletter@uni-example.edu.cn",
                "o.kowalska@firma.example.pl",
                "ANNA.SMITH@EXAMPLE.ORG",
                "dev-team@sub.domain.example.net",
                "k9@ex.io",
                "lucas.martin@exemple.fr")),
        new Kind(
            List.of(
                "Call me on {} after 6pm.",
                "my cell is {}",
                "Phone: {}",
                "You can reach me at {} on weekdays.",
                "Text me at {} when you land."),
            pick(
                rnd,
                "+1 (415) 555-0132",
                "+44 20 7946 0958",
                "020 7946 0991",
                "(212) 555-0199",
                "415.555.0142",
                "+49 30 90182055",
                "+33 6 12 34 56 78",
                "06 98 76 54 32",
                "+91 98765 43210",
                "0049 89 1234567",
                "+61 2 9876 5432",
                "555-867-5309")),
        new Kind(
            List.of(
                "I live at {}.",
                "Ship it to {}, the door code is on the bell.",
                "We moved to {} in spring.",
                "My office is at {}"),
            pick(
                rnd,
                "742 Evergreen Terrace",
                "1600 Pennsylvania Avenue NW",
                "221B Baker Street",
                "350 Fifth Avenue, Apt 5B",
                "Hauptstraße 12",
                "Königsallee 27",
                "15 rue de la Paix",
                "Calle Mayor 8",
                "Via Roma 12",
                "PO Box 4521",
                "Keizersgracht 123",
                "10 Downing Street")),
        new Kind(
            List.of(
                "My SSN is {} if you need it for the form.",
                "social security number: {}",
                "For the tax form, SSN {}."),
            () -> ssn(rnd)),
        new Kind(
            List.of(
                "My national insurance number is {}.",
                "NI number {}",
                "my SIN is {}",
                "DNI {} for the booking"),
            pick(
                rnd,
                "AB 12 34 56 C",
                "JG103759A",
                "CE 61 02 88 D",
                "046 454 286",
                "130 692 544",
                "12345678Z",
                "X1234567L",
                "87654321X")),
        new Kind(
            List.of(
                "My passport number is {}.",
                "passport no. {} expires next year",
                "driver's license {}"),
            () -> "K" + digits(rnd, 7)),
        new Kind(
            List.of(
                "Charge my card {} for the upgrade.",
                "card number {}, expiry 09/28",
                "use {} for the subscription",
                "My Visa is {}"),
            () -> card(rnd)),
        new Kind(
            List.of("My IBAN is {}.", "Please transfer to {} by Friday.", "bank account {}"),
            pick(
                rnd,
                "DE89 3704 0044 0532 0130 00",
                "GB82 WEST 1234 5698 7654 32",
                "FR14 2004 1010 0505 0001 3M02 606",
                "NL91ABNA0417164300",
                "ES91 2100 0418 4502 0005 1332",
                "IT60 X054 2811 1010 0000 0123 456",
                "CH93 0076 2011 6238 5295 7",
                "BE68 5390 0754 7034")),
        new Kind(
            List.of(
                "My home server is at {}.",
                "the VPN gives me {} today",
                "SSH into {} for the logs."),
            pick(
                rnd,
                "192.168.1.34",
                "10.0.0.7",
                "203.0.113.45",
                "172.16.254.1",
                "2001:db8::ff00:42:8329",
                "fe80::1ff:fe23:4567:890a")),
        new Kind(
            List.of(
                "Here is my API key: {}",
                "use the token {} for staging",
                "the deploy key is {}",
                "my password is {}",
                "pwd: {}",
                "Authorization: Bearer {}"),
            () -> secret(rnd)));
  }

  private static Supplier<String> pick(Random rnd, String... values) {
    return () -> values[rnd.nextInt(values.length)];
  }

  private static String digits(Random rnd, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(rnd.nextInt(10));
    }
    return b.toString();
  }

  private static String alnum(Random rnd, int n) {
    String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(chars.charAt(rnd.nextInt(chars.length())));
    }
    return b.toString();
  }

  private static String ssn(Random rnd) {
    int area = 1 + rnd.nextInt(665);
    int group = 1 + rnd.nextInt(99);
    int serial = 1 + rnd.nextInt(9999);
    String sep = rnd.nextBoolean() ? "-" : " ";
    return String.format("%03d%s%02d%s%04d", area, sep, group, sep, serial);
  }

  /** A Luhn-valid card number, grouped in one of several ways. */
  private static String card(Random rnd) {
    boolean amex = rnd.nextInt(4) == 0;
    String prefix = amex ? "37" : rnd.nextBoolean() ? "4" : "51";
    int length = amex ? 15 : 16;
    String body = prefix + digits(rnd, length - 1 - prefix.length());
    String number = body + luhnDigit(body);
    String sep = List.of(" ", "-", "").get(rnd.nextInt(3));
    if (amex) {
      return number.substring(0, 4) + sep + number.substring(4, 10) + sep + number.substring(10);
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < number.length(); i += 4) {
      if (i > 0) {
        b.append(sep);
      }
      b.append(number, i, Math.min(number.length(), i + 4));
    }
    return b.toString();
  }

  private static int luhnDigit(String body) {
    int sum = 0;
    boolean doubled = true;
    for (int i = body.length() - 1; i >= 0; i--) {
      int d = body.charAt(i) - '0';
      if (doubled) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      doubled = !doubled;
    }
    return (10 - sum % 10) % 10;
  }

  private static String secret(Random rnd) {
    return switch (rnd.nextInt(8)) {
      case 0 -> "sk-proj-" + alnum(rnd, 32);
      case 1 -> "AKIA" + alnum(rnd, 16).toUpperCase(java.util.Locale.ROOT);
      case 2 -> "ghp_" + alnum(rnd, 36);
      case 3 -> "xoxb-" + digits(rnd, 12) + "-" + alnum(rnd, 24);
      case 4 -> "glpat-" + alnum(rnd, 20);
      case 5 -> "eyJ" + alnum(rnd, 20) + "." + alnum(rnd, 30) + "." + alnum(rnd, 25);
      case 6 -> "AIza" + alnum(rnd, 35);
      default -> alnum(rnd, 6) + "-" + alnum(rnd, 4) + "!" + digits(rnd, 2);
    };
  }
}
