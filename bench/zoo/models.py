"""PyTorch definitions of the zoo's architectures, written from the papers.

Every module takes one-hot DNA (N, 4, L), channels A C G T, and uses only
operations formats/python/s2f_model_export.py exports. bpnet-lite's BPNet is
formats/python/bpnet_lite.py and is not repeated here.
"""
import torch
from torch import nn


class ValidDilatedResNet(nn.Module):
    """ChromBPNet's convolutional tower (Pampari et al., bioRxiv 2023/2024),
    the layout of both its accessibility model (512 filters, 8 layers) and
    its Tn5/DNase bias model (128 filters, 4 layers, the Keras file in
    ../shared/data):

      conv1   Conv1d(4, F, 21), valid, ReLU
      layer i Conv1d(F, F, 3, dilation 2^i), valid, ReLU, i = 1..n_layers,
              added to its input cropped by 2^i on each side
      profile Conv1d(F, 1, 75), valid, then the central `profile_length`
              positions
      counts  Linear(F, 1) of the mean over all positions of the tower output
    """

    def __init__(self, filters=512, n_layers=8, profile_length=1000):
        super().__init__()
        self.profile_length = profile_length
        self.conv1 = nn.Conv1d(4, filters, 21)
        self.rconvs = nn.ModuleList(nn.Conv1d(filters, filters, 3, dilation=2 ** i)
                                    for i in range(1, n_layers + 1))
        self.profile_conv = nn.Conv1d(filters, 1, 75)
        self.count = nn.Linear(filters, 1)

    def forward(self, x):
        h = torch.relu(self.conv1(x))
        for conv in self.rconvs:
            d = conv.dilation[0]
            h = torch.relu(conv(h)) + h[:, :, d:h.shape[2] - d]
        p = self.profile_conv(h)
        start = (p.shape[2] - self.profile_length) // 2
        profile = p[:, :, start:start + self.profile_length]
        counts = self.count(torch.mean(h, dim=2))
        return profile, counts


def _conv_block(c_in, c_out, kernel, pool):
    return [nn.Conv1d(c_in, c_out, kernel), nn.BatchNorm1d(c_out), nn.ReLU(), nn.MaxPool1d(pool)]


def _dense_block(f_in, f_out, batchnorm, dropout):
    layers = [nn.Linear(f_in, f_out)]
    if batchnorm:
        layers.append(nn.BatchNorm1d(f_out))
    return layers + [nn.ReLU(), nn.Dropout(dropout)]


def basset(n_targets=164, dense_batchnorm=True):
    """Basset (Kelley, Snoek & Rinn, Genome Research 2016), 600 bp input, as
    its published Torch7 model: unpadded ("valid") convolutions, so the
    third pooling leaves 200 x 10 = 2000 features; batch normalisation after
    every convolution and (dense_batchnorm) every hidden dense layer, dropout
    0.3; 164 DNase-seq targets through a sigmoid."""
    return nn.Sequential(
        *_conv_block(4, 300, 19, 3), *_conv_block(300, 200, 11, 4), *_conv_block(200, 200, 7, 4),
        nn.Flatten(),
        *_dense_block(2000, 1000, dense_batchnorm, 0.3), *_dense_block(1000, 1000, dense_batchnorm, 0.3),
        nn.Linear(1000, n_targets), nn.Sigmoid())


def deepsea(n_targets=919):
    """DeepSEA (Zhou & Troyanskaya, Nature Methods 2015), 1000 bp input:
    three unpadded width-8 convolutions (320, 480, 960 kernels) with ReLU,
    max pooling 4 after the first two, dropout 0.2/0.2/0.5; 960 x 53 = 50880
    features -> 925 (ReLU) -> 919 chromatin profiles through a sigmoid."""
    return nn.Sequential(
        nn.Conv1d(4, 320, 8), nn.ReLU(), nn.MaxPool1d(4), nn.Dropout(0.2),
        nn.Conv1d(320, 480, 8), nn.ReLU(), nn.MaxPool1d(4), nn.Dropout(0.2),
        nn.Conv1d(480, 960, 8), nn.ReLU(), nn.Dropout(0.5),
        nn.Flatten(), nn.Linear(960 * 53, 925), nn.ReLU(), nn.Linear(925, n_targets), nn.Sigmoid())


class ResidualUnit(nn.Module):
    """SpliceAI's residual unit: BN, ReLU, dilated conv, BN, ReLU, dilated
    conv ('same' padding), added to the input."""

    def __init__(self, channels, kernel, dilation, eps):
        super().__init__()
        pad = dilation * (kernel - 1) // 2  # odd kernels: 'same' is symmetric
        self.bn1 = nn.BatchNorm1d(channels, eps=eps)
        self.conv1 = nn.Conv1d(channels, channels, kernel, dilation=dilation, padding=pad)
        self.bn2 = nn.BatchNorm1d(channels, eps=eps)
        self.conv2 = nn.Conv1d(channels, channels, kernel, dilation=dilation, padding=pad)

    def forward(self, x):
        y = self.conv1(torch.relu(self.bn1(x)))
        y = self.conv2(torch.relu(self.bn2(y)))
        return x + y


class SpliceAI(nn.Module):
    """SpliceAI-10k (Jaganathan et al., Cell 2019): 32 channels, a k1 input
    conv and a k1 skip conv of it; 16 residual units in 4 groups (kernel
    11, 11, 21, 41; dilation 1, 4, 10, 25), a k1 conv of each group's output
    added to the skip; the skip is cropped by context/2 on each side and a
    k1 conv gives 3 classes (none, acceptor, donor), softmax over channels.
    15000 bp in -> 5000 positions out. Batch-norm epsilon 1e-3 (Keras)."""

    KERNELS = (11, 11, 21, 41)
    DILATIONS = (1, 4, 10, 25)

    def __init__(self, channels=32, context=10000, units_per_group=4):
        super().__init__()
        self.crop = context // 2
        self.units_per_group = units_per_group
        self.conv_in = nn.Conv1d(4, channels, 1)
        self.skip_in = nn.Conv1d(channels, channels, 1)
        self.units = nn.ModuleList(ResidualUnit(channels, k, d, 1e-3)
                                   for k, d in zip(self.KERNELS, self.DILATIONS) for _ in range(units_per_group))
        self.group_skips = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in self.KERNELS)
        self.out = nn.Conv1d(channels, 3, 1)

    def forward(self, x):
        h = self.conv_in(x)
        skip = self.skip_in(h)
        for i, unit in enumerate(self.units):
            h = unit(h)
            if (i + 1) % self.units_per_group == 0:
                skip = skip + self.group_skips[i // self.units_per_group](h)
        skip = skip[:, :, self.crop:skip.shape[2] - self.crop]
        return torch.softmax(self.out(skip), dim=1)
