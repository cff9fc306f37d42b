"""The bpnet-lite BPNet architecture in PyTorch, transcribed from its public
definition (jmschrei/bpnet-lite, bpnetlite/bpnet.py, class BPNet) so that a
bpnet-lite state_dict loads into it unchanged (same parameter names).

Architecture (input: one-hot X of shape (N, 4, L), order A C G T):
  iconv   Conv1d(4, F, 21, padding=10) + ReLU                      ("same")
  rconvs  n_layers x Conv1d(F, F, 3, dilation=2**i, padding=2**i) + ReLU,
          i = 1..n_layers, each added to its input (X = X + relu(conv(X)))
  fconv   Conv1d(F + n_control_tracks, n_outputs, 75, padding=37)
  profile = fconv(X)[:, :, t : L - t]            with t = trimming
  counts  = linear(mean(X[:, :, t - 37 : L - t + 37], dim=2))  -> (N, 1)
The count head averages the residual-tower output over the trimmed window
widened by the profile conv's half-width (37) on each side, i.e. exactly the
positions the profile conv reads. With control tracks (not used by the
example model), X_ctl is concatenated to X before fconv and
log(1 + sum of X_ctl over that window) is appended to the count-head input.
trimming defaults to 2**n_layers when not given. Reading bpnet-lite's saved
files (state_dicts, whole pickled modules, hparams): bpnet_lite_files.py.
"""
import torch


class BPNet(torch.nn.Module):
    def __init__(self, n_filters=64, n_layers=8, n_outputs=2, n_control_tracks=2,
                 trimming=None, profile_output_bias=True, count_output_bias=True):
        super().__init__()
        self.n_filters = n_filters
        self.n_layers = n_layers
        self.n_outputs = n_outputs
        self.n_control_tracks = n_control_tracks
        self.trimming = trimming or 2 ** n_layers
        self.iconv = torch.nn.Conv1d(4, n_filters, kernel_size=21, padding=10)
        self.rconvs = torch.nn.ModuleList(
            torch.nn.Conv1d(n_filters, n_filters, kernel_size=3, padding=2 ** i, dilation=2 ** i)
            for i in range(1, n_layers + 1))
        self.fconv = torch.nn.Conv1d(n_filters + n_control_tracks, n_outputs, kernel_size=75,
                                     padding=37, bias=profile_output_bias)
        count_inputs = n_filters + (1 if n_control_tracks > 0 else 0)
        self.linear = torch.nn.Linear(count_inputs, 1, bias=count_output_bias)

    def forward(self, X, X_ctl=None):
        t = self.trimming
        length = X.shape[2]
        h = torch.relu(self.iconv(X))
        for conv in self.rconvs:
            h = h + torch.relu(conv(h))
        features = h if X_ctl is None else torch.cat([h, X_ctl], dim=1)
        profile = self.fconv(features)[:, :, t:length - t]
        pooled = torch.mean(h[:, :, t - 37:length - t + 37], dim=2)
        if X_ctl is not None:
            ctl = torch.sum(X_ctl[:, :, t - 37:length - t + 37], dim=(1, 2)).unsqueeze(-1)
            pooled = torch.cat([pooled, torch.log(ctl + 1)], dim=-1)
        counts = self.linear(pooled).reshape(X.shape[0], 1)
        return profile, counts


def from_files(state_dict_path, hparams_path=None):
    """Builds the model from a bpnet-lite state_dict or whole pickled BPNet
    (+ hparams JSON); see bpnet_lite_files.load."""
    import bpnet_lite_files
    return bpnet_lite_files.load(state_dict_path, hparams_path)[0]
