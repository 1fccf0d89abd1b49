package example.langchain4j;

import dev.attune.connect.AttuneMemory;
import dev.attune.core.Attune;
import dev.attune.core.model.TenantId;
import dev.attune.langchain4j.AttuneLangChain4j;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A LangChain4j AI service that remembers its user across runs: Attune embedded over a data
 * directory gives the retriever and the listener. Run with {@code OPENAI_API_KEY} set (or {@code
 * OPENAI_BASE_URL} pointing at any OpenAI-compatible server) and the user as the first argument;
 * README.md beside the pom says more.
 */
public final class ChatWithMemory {
  interface Assistant {
    String chat(@MemoryId String user, @UserMessage String message);
  }

  public static void main(String[] args) throws Exception {
    String user = args.length > 0 ? args[0] : "demo-user";
    try (Attune engine =
        Attune.builder()
            .dataDir(Path.of(System.getenv().getOrDefault("ATTUNE_DATA", "attune-data")))
            .build()) {
      AttuneLangChain4j attune =
          AttuneLangChain4j.builder(AttuneMemory.embedded(engine, TenantId.of("example")))
              .maxTokens(500)
              .build();
      Assistant assistant =
          AiServices.builder(Assistant.class)
              .chatModel(
                  OpenAiChatModel.builder()
                      .baseUrl(
                          System.getenv()
                              .getOrDefault("OPENAI_BASE_URL", "https://api.openai.com/v1"))
                      .apiKey(System.getenv().getOrDefault("OPENAI_API_KEY", "sk-none"))
                      .modelName(System.getenv().getOrDefault("OPENAI_MODEL", "gpt-4o-mini"))
                      .build())
              .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
              .contentRetriever(attune.contentRetriever())
              .registerListener(attune.listener())
              .build();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      System.out.println("Chatting as " + user + "; an empty line ends.");
      for (String line = in.readLine(); line != null && !line.isBlank(); line = in.readLine()) {
        System.out.println(assistant.chat(user, line));
      }
    }
  }
}
