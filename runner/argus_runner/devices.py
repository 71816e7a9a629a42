"""Where the tensors go: the device, autocast, pinned memory, and the peak GPU memory report."""

import contextlib

import torch

from .protocol import RunnerError


def choose(name):
    """'auto' is CUDA when available, else the CPU; asking for CUDA without one is an error."""
    if name == "cuda" and not torch.cuda.is_available():
        raise RunnerError("device 'cuda' was asked for, but PyTorch sees no CUDA device")
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(name)


def autocast(device, mode):
    """Mixed precision on a GPU (fp16 by default, bf16 on request); plain fp32 on the CPU or with 'off'."""
    if device.type != "cuda" or mode == "off":
        return contextlib.nullcontext()
    dtype = torch.bfloat16 if mode == "bf16" else torch.float16
    return torch.autocast("cuda", dtype=dtype)


def peak_memory(device):
    """Peak GPU memory allocated in bytes (None on the CPU)."""
    return int(torch.cuda.max_memory_allocated(device)) if device.type == "cuda" else None
