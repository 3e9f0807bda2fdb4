// Everything relulab offers other LibTorch projects: the operators
// (relulab::ops), the modules, their functional forms and the factory.
#pragma once

#include "relulab/nn/activation_params.h"
#include "relulab/nn/factory.h"
#include "relulab/nn/functional.h"
#include "relulab/nn/modules.h"
#include "relulab/nn/options.h"
#include "relulab/ops.h"
#include "relulab/version.h"
