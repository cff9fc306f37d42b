// Attributor: contribution scores of one sequence for one scalar target of
// a model (or an ensemble's members, averaged), from the engine's reverse
// pass (engine/reverse_pass.hpp).
//
// Methods:
//  - deepshap: DeepLIFT multipliers m_i of x against each reference r_i;
//    hypothetical contributions
//        hyp[l, b] = mean_i ( m_i[l, b] - sum_c m_i[l, c] r_i[l, c] ),
//    what base b at position l would contribute (DeepSHAP's
//    combination of multipliers and differences from the references, as
//    ChromBPNet and tfmodisco-lite use them); projected = hyp * x. Each
//    reference satisfies sum m_i (x - r_i) = t(x) - t(r_i) up to float
//    rounding: the largest gap, relative to max(|t(x)|, |t(r_i)|), is kept.
//  - grad: the gradient of t at x (hypothetical), gradient * x (projected);
//  - input-x-grad: gradient * x for both.
//
// Targets t: a head and some of its channels (tracks). A scalar head, or a
// profile head with the `sum` objective: the sum of those channels over
// every bin. A profile head with the `softmax` objective (BPNet's and
// ChromBPNet's profile attributions): the head's logits over the chosen
// channels x bins flattened to l, w = softmax(l) of the explained sequence
// x held constant, t(v) = sum_j w_j (l_j(v) - mean_k l_k(v)).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "s2f/engine/graph.hpp"

namespace s2f::attribute {

enum class Method { deepshap, grad, input_x_grad };
Method parse_method(const std::string& name);  // usage error listing the names
const char* method_name(Method m);

enum class Objective { softmax, sum };
Objective parse_objective(const std::string& name);
const char* objective_name(Objective o);

struct Target {
  size_t head = 0;                // index into the model's heads
  std::vector<int64_t> channels;  // model channels of the head
  Objective objective = Objective::softmax;  // profile heads only
};

struct Attribution {
  std::vector<float> hypothetical;  // L x 4
  std::vector<float> projected;     // L x 4
  double max_gap = 0;               // deepshap: largest relative summation-to-delta gap
  std::vector<double> target_x;     // t(x) per member
};

class Attributor {
 public:
  // Each member's graph (weights taken over); an ensemble's members agree in
  // input length and heads.
  Attributor(std::vector<engine::ModelGraph> members, Target target, Method method);
  ~Attributor();
  Attributor(const Attributor&) = delete;
  Attributor& operator=(const Attributor&) = delete;

  int64_t input_length() const;
  Method method() const { return method_; }
  // x: one-hot (L x 4); references: n_refs one-hot sequences (n_refs x L x 4),
  // deepshap only. References run in parallel on the current task arena;
  // results do not depend on the number of threads. One call at a time:
  // activations and workspaces are kept between calls.
  void explain(std::span<const float> x, std::span<const float> references, int64_t n_refs,
               Attribution& out) const;

 private:
  struct Member;
  std::vector<Member> members_;
  Target target_;
  Method method_;
};

}  // namespace s2f::attribute
