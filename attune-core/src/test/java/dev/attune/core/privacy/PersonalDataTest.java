package dev.attune.core.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.core.model.Detector;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PersonalDataTest {
  private static final Set<Detector> ALL = EnumSet.allOf(Detector.class);

  private static List<Detector> kinds(String text) {
    return PersonalData.find(text, ALL).stream().map(PersonalData.Finding::detector).toList();
  }

  @ParameterizedTest(name = "{1} in: {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "write to jane.doe+work@example.co.uk please | EMAIL",
        "my email is J_Smith@mail-server.io | EMAIL",
        "call me on +1 (415) 555-0132 tomorrow | PHONE",
        "my number is 020 7946 0958 | PHONE",
        "reach me at 415.555.0199 | PHONE",
        "Handy: +49 30 901820 | PHONE",
        "mobile 06 12 34 56 78 | PHONE",
        "I live at 742 Evergreen Terrace | ADDRESS",
        "send it to 1600 Pennsylvania Avenue NW | ADDRESS",
        "office at 10 Downing Street, London SW1A 2AA | ADDRESS",
        "wohne in der Hauptstraße 12 in Köln | ADDRESS",
        "j'habite 15 rue de la Paix à Paris | ADDRESS",
        "PO Box 4521 | ADDRESS",
        "my SSN is 123-45-6789 | NATIONAL_ID",
        "social security number 123 45 6789 | NATIONAL_ID",
        "NI number AB 12 34 56 C | NATIONAL_ID",
        "my SIN is 046 454 286 | NATIONAL_ID",
        "DNI 12345678Z | NATIONAL_ID",
        "passport number X1234567 | NATIONAL_ID",
        "card 4111 1111 1111 1111 exp 12/29 | PAYMENT_CARD",
        "pay with 5555-5555-5555-4444 | PAYMENT_CARD",
        "amex 378282246310005 | PAYMENT_CARD",
        "IBAN DE89 3704 0044 0532 0130 00 | IBAN",
        "wire to GB82WEST12345698765432 | IBAN",
        "server is at 192.168.10.24 | IP_ADDRESS",
        "ipv6 2001:db8:85a3::8a2e:370:7334 | IP_ADDRESS",
        "key sk-proj-abcdefghijklmnop1234567890 | SECRET",
        "AWS AKIAIOSFODNN7EXAMPLE | SECRET",
        "token ghp_abcdefghijklmnopqrstuvwxyz0123456789 | SECRET",
        "my password is hunter2! | SECRET",
        "pwd: Tr0ub4dor&3 | SECRET",
        "the deploy key is S91POL-H47S!13 | SECRET",
        "use the token Zx81_kdP0qq for staging | SECRET",
        "SSH into 10.0.0.7. | IP_ADDRESS",
        "Please transfer to CH93 0076 2011 6238 5295 7 by Friday. | IBAN",
        "Authorization: Bearer abc.def.ghijklmnopqrstuvwxyz123 | SECRET",
        "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N | SECRET",
      })
  void findsEachKind(String text, Detector expected) {
    assertThat(kinds(text)).contains(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "I have been running for 12 years and did 3 marathons in 2023.",
        "The meeting is on 2024-05-01 at 10:30, room 204.",
        "We sold 1,250,000 units; revenue grew 12.5% to $4,300,000.",
        "Version 1.19.0 fixed the bug from 1.18.2.",
        "My favourite number is 42 and my cat is 7.",
        "I moved here in May 2019 and started a new job in 2021 - 2022.",
        "The order 1234567890 shipped.",
        "I ran 5 km in 24:31 last Sunday.",
        "Caroline went to the LGBTQ support group on 7 May 2023.",
        "Score was 3-2 after 90 minutes.",
        "The password policy changed last week.",
        "I like Main Street cafes.",
        "Call your mom more often.",
        "The key is under the mat, the key takeaway is well-known.",
        "The token ring network was slow.",
      })
  void leavesOrdinaryTextAlone(String text) {
    assertThat(kinds(text)).isEmpty();
  }

  @Test
  void checksumsRejectLookalikes() {
    assertThat(kinds("card 4111 1111 1111 1112")).doesNotContain(Detector.PAYMENT_CARD);
    assertThat(kinds("IBAN DE89 3704 0044 0532 0130 01")).doesNotContain(Detector.IBAN);
    assertThat(kinds("ref 0000 0000 0000 0000")).doesNotContain(Detector.PAYMENT_CARD);
    assertThat(PersonalData.luhn("79927398713")).isTrue();
    assertThat(PersonalData.luhn("79927398710")).isFalse();
    assertThat(PersonalData.iban("NL91ABNA0417164300")).isTrue();
  }

  @Test
  void redactsWithPlaceholdersAndCounts() {
    PersonalData.Redaction r =
        PersonalData.redact(
            "Mail me at ann@example.org or call +44 20 7946 0018; card 4242 4242 4242 4242.", ALL);
    assertThat(r.text())
        .isEqualTo("Mail me at [email] or call [phone]; card [card].")
        .doesNotContain("ann@example.org");
    assertThat(r.counts())
        .containsEntry(Detector.EMAIL, 1)
        .containsEntry(Detector.PHONE, 1)
        .containsEntry(Detector.PAYMENT_CARD, 1);
    assertThat(PersonalData.containsPlaceholder(r.text())).isTrue();
  }

  @Test
  void appliesOnlyTheEnabledDetectors() {
    String text = "ann@example.org, +44 20 7946 0018";
    PersonalData.Redaction r = PersonalData.redact(text, EnumSet.of(Detector.PHONE));
    assertThat(r.text()).isEqualTo("ann@example.org, [phone]");
    assertThat(PersonalData.redact(text, Set.of()).changed()).isFalse();
  }

  @Test
  void secretsWinOverlapsWithNumbers() {
    // A password made of digits is a secret, not a phone number.
    assertThat(PersonalData.redact("password: 4155550132", ALL).text())
        .isEqualTo("password: [secret]");
  }
}
