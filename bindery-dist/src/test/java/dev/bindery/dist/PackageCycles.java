package dev.bindery.dist;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The package dependency graph of Bindery's classes and its tangles: the strongly connected components of more than
 * one package, i.e. the groups of packages that depend on each other in a cycle. Package names are given without
 * the {@code dev.bindery.} prefix.
 */
final class PackageCycles {
  private static final String ROOT = "dev.bindery.";

  private PackageCycles() {}

  /** Which Bindery packages each Bindery package uses (a package's use of itself left out). */
  static Map<String, Set<String>> graph(JavaClasses classes) {
    Map<String, Set<String>> graph = new TreeMap<>();
    for (JavaClass c : classes) {
      String from = relative(c.getPackageName());
      if (from == null) {
        continue;
      }
      Set<String> uses = graph.computeIfAbsent(from, k -> new TreeSet<>());
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        String to = relative(d.getTargetClass().getBaseComponentType().getPackageName());
        if (to != null && !to.equals(from)) {
          uses.add(to);
        }
      }
    }
    return graph;
  }

  private static String relative(String packageName) {
    return packageName.startsWith(ROOT) ? packageName.substring(ROOT.length()) : null;
  }

  /** The tangles of {@code graph} (Tarjan's algorithm, iterative), each sorted, in a stable order. */
  static List<Set<String>> tangles(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new HashSet<>();
    List<Set<String>> found = new ArrayList<>();
    Set<String> nodes = new TreeSet<>(graph.keySet());
    graph.values().forEach(nodes::addAll);
    for (String start : nodes) {
      if (index.containsKey(start)) {
        continue;
      }
      // each frame: the node and an iterator over what it uses
      Deque<Map.Entry<String, Iterator<String>>> frames = new ArrayDeque<>();
      visit(start, index, low, stack, onStack, frames, graph);
      while (!frames.isEmpty()) {
        Map.Entry<String, Iterator<String>> top = frames.peek();
        String v = top.getKey();
        if (top.getValue().hasNext()) {
          String w = top.getValue().next();
          if (!index.containsKey(w)) {
            visit(w, index, low, stack, onStack, frames, graph);
          } else if (onStack.contains(w)) {
            low.put(v, Math.min(low.get(v), index.get(w)));
          }
          continue;
        }
        frames.pop();
        if (!frames.isEmpty()) {
          String parent = frames.peek().getKey();
          low.put(parent, Math.min(low.get(parent), low.get(v)));
        }
        if (low.get(v).equals(index.get(v))) {
          Set<String> component = new TreeSet<>();
          String w;
          do {
            w = stack.pop();
            onStack.remove(w);
            component.add(w);
          } while (!w.equals(v));
          if (component.size() > 1) {
            found.add(component);
          }
        }
      }
    }
    found.sort((a, b) -> a.iterator().next().compareTo(b.iterator().next()));
    return found;
  }

  private static void visit(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
      Set<String> onStack, Deque<Map.Entry<String, Iterator<String>>> frames,
      Map<String, Set<String>> graph) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    onStack.add(v);
    frames.push(Map.entry(v, graph.getOrDefault(v, Set.of()).iterator()));
  }

  /**
   * What is wrong with {@code actual} against the {@code known} tangles, which must match exactly: a tangle that is
   * not inside a known one (a package joined a cycle, or known tangles merged), and a known tangle that is no longer
   * one tangle (it shrank or split: record what it is now, so that nothing can slip back in unnoticed). Empty when
   * they agree.
   */
  static List<String> problems(List<Set<String>> actual, List<Set<String>> known) {
    List<String> problems = new ArrayList<>();
    Set<String> recorded = new TreeSet<>();
    known.forEach(recorded::addAll);
    for (Set<String> tangle : actual) {
      if (known.stream().noneMatch(k -> k.containsAll(tangle))) {
        Set<String> outside = new TreeSet<>(tangle);
        outside.removeAll(recorded);
        problems.add("new package cycle among " + tangle
            + (outside.isEmpty() ? " (merges known tangles)" : " (not in a known tangle: " + outside + ")"));
      }
    }
    for (Set<String> k : known) {
      List<Set<String>> overlapping = actual.stream().filter(t -> t.stream().anyMatch(k::contains)).toList();
      boolean reportedAbove = overlapping.stream().anyMatch(t -> !k.containsAll(t));
      if (!reportedAbove && !(overlapping.size() == 1 && overlapping.get(0).equals(k))) {
        Set<String> freed = new TreeSet<>(k);
        overlapping.forEach(freed::removeAll);
        problems.add("known tangle " + new TreeSet<>(k) + " is now " + overlapping
            + (freed.isEmpty() ? "" : ", no longer in a cycle: " + freed) + "; record that");
      }
    }
    return problems;
  }
}
