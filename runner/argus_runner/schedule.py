"""Optimizers and learning-rate schedules by their AutoML names, stepped once per optimizer step."""

import math

import torch


def optimizer(settings, parameters):
    """sgd (momentum, nesterov), adam or adamw (beta1, beta2, amsgrad), with weight decay."""
    parameters = [p for p in parameters if p.requires_grad]
    if settings.optimizer == "sgd":
        return torch.optim.SGD(parameters, lr=settings.learning_rate, momentum=settings.momentum,
                               weight_decay=settings.weight_decay,
                               nesterov=settings.nesterov and settings.momentum > 0)
    kind = torch.optim.Adam if settings.optimizer == "adam" else torch.optim.AdamW
    return kind(parameters, lr=settings.learning_rate, betas=(settings.beta1, settings.beta2),
                weight_decay=settings.weight_decay, amsgrad=settings.amsgrad)


def factor(settings, step, steps_per_epoch):
    """The learning-rate multiplier at optimizer step ``step`` (0-based).

    warmup_cosine: linear from 0 over ``warmup_cosine_lr_warmup_epochs``, then
    ``0.5·(1 + cos(π·2·cycles·progress))`` (floored at 0) over the remaining steps;
    step: ``step_lr_gamma`` to the power of completed ``step_lr_step_size``-epoch blocks.
    """
    if settings.learning_rate_scheduler == "step":
        return settings.step_lr_gamma ** ((step // steps_per_epoch) // settings.step_lr_step_size)
    warmup = settings.warmup_cosine_lr_warmup_epochs * steps_per_epoch
    total = max(settings.number_of_epochs * steps_per_epoch, 1)
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(total - warmup, 1)
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * 2.0 * settings.warmup_cosine_lr_cycles * progress)))


def scheduler(settings, optimiser, steps_per_epoch):
    return torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: factor(settings, step, steps_per_epoch))
