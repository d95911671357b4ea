// The --log-json file of the training loop.
#include "driver/train_log.h"

#include <nlohmann/json.hpp>

#include "frontend/npy/npy.h"

namespace graphc::driver {

Status writeLogJson(const std::string& path, const std::vector<EpochStats>& epochs) {
  nlohmann::json list = nlohmann::json::array();
  for (const EpochStats& e : epochs)
    list.push_back({{"epoch", e.epoch},
                    {"loss", e.loss},
                    {"accuracy", e.accuracy ? nlohmann::json(*e.accuracy) : nlohmann::json(nullptr)},
                    {"seconds", e.seconds}});
  return writeFileAtomic(path, nlohmann::json{{"epochs", list}}.dump(2) + "\n");
}

}  // namespace graphc::driver
