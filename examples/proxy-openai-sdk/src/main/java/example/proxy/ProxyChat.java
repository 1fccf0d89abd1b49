package example.proxy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

/**
 * The OpenAI SDK with memory, changing only the base URL: requests go through Attune's model proxy
 * ({@code ./attune serve}), which adds the user's context and learns from the exchange. Needs
 * {@code OPENAI_API_KEY}, {@code ATTUNE_API_KEY} (a service key: {@code ./attune keys create
 * --tenant T --role service}) and optionally {@code ATTUNE_URL} (default http://localhost:8080);
 * README.md beside the pom says more.
 */
public final class ProxyChat {
  public static void main(String[] args) {
    String attune = System.getenv().getOrDefault("ATTUNE_URL", "http://localhost:8080");
    OpenAIClient client =
        OpenAIOkHttpClient.builder()
            .baseUrl(attune + "/v1/proxy/openai")
            .apiKey(System.getenv("OPENAI_API_KEY"))
            .putHeader("X-Attune-Key", System.getenv("ATTUNE_API_KEY"))
            .putHeader("X-Attune-User-Id", args.length > 0 ? args[0] : "demo-user")
            .build();
    String question = args.length > 1 ? args[1] : "Any ideas for dinner tonight?";
    var completion =
        client
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model(System.getenv().getOrDefault("OPENAI_MODEL", "gpt-4o-mini"))
                    .addUserMessage(question)
                    .build());
    completion.choices().forEach(c -> c.message().content().ifPresent(System.out::println));
  }
}
