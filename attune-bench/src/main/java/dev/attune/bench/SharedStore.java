package dev.attune.bench;

import dev.attune.core.port.Store;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/** A store several engines of one benchmark share. */
final class SharedStore {
  private SharedStore() {}

  /**
   * The store, except that closing it does nothing. Every call goes through reflection, so only
   * engines that share a store get it, all of them alike (the on/off comparison stays fair).
   */
  static Store notClosedByTheEngine(Store store) {
    return (Store)
        Proxy.newProxyInstance(
            Store.class.getClassLoader(),
            new Class<?>[] {Store.class},
            (proxy, method, args) -> {
              if (method.getName().equals("close") && method.getParameterCount() == 0) {
                return null;
              }
              try {
                return method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
