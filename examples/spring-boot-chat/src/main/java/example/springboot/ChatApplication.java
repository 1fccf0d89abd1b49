package example.springboot;

import dev.attune.spring.ai.AttuneAdvisor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A terminal chat that remembers its user. The starter adds Attune's advisor to the ChatClient; the
 * only Attune-specific line is the advisor parameter naming the user.
 *
 * <p>Run: {@code OPENAI_API_KEY=... ATTUNE_USER=ann ./mvnw -q -pl examples/spring-boot-chat
 * exec:java} (or any OpenAI-compatible server via {@code SPRING_AI_OPENAI_BASE_URL}); README.md
 * beside the pom says more, including why a request sent right after a statement may not know it
 * yet.
 */
@SpringBootApplication
public class ChatApplication {
  public static void main(String[] args) {
    SpringApplication.run(ChatApplication.class, args);
  }

  @Bean
  CommandLineRunner chat(ChatClient.Builder builder) {
    ChatClient chat = builder.defaultSystem("You are a helpful assistant.").build();
    String user = System.getenv().getOrDefault("ATTUNE_USER", "demo-user");
    return args -> {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      System.out.println("Chatting as " + user + "; an empty line ends.");
      for (String line = in.readLine(); line != null && !line.isBlank(); line = in.readLine()) {
        String answer =
            chat.prompt()
                .user(line)
                .advisors(a -> a.param(AttuneAdvisor.USER_ID, user))
                .call()
                .content();
        System.out.println(answer);
      }
    };
  }
}
