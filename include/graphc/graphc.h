/* graphc's C API: compile a model (ONNX or textual IR) once, run or train it from the host's threads. */
#ifndef GRAPHC_GRAPHC_H
#define GRAPHC_GRAPHC_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define GRAPHC_API
#elif defined(__GNUC__)
#define GRAPHC_API __attribute__((visibility("default")))
#else
#define GRAPHC_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header; graphc_get_version gives the library's. */
#define GRAPHC_VERSION_MAJOR 0
#define GRAPHC_VERSION_MINOR 1
#define GRAPHC_VERSION_PATCH 0

/*
 * Rules of the API
 * - Every function returns a graphc_status (except graphc_last_error_message and
 *   graphc_status_name, which return strings). On any status other than GRAPHC_OK,
 *   graphc_last_error_message() gives a message for the calling thread's last failure.
 * - A function checks all its arguments before it changes anything: on failure, no output is
 *   written and no object is changed (a failed run may have written part of its outputs).
 * - No function aborts, exits, or lets a C++ exception escape; running out of memory returns
 *   GRAPHC_STATUS_OUT_OF_MEMORY.
 * - The *_free functions accept NULL.
 *
 * Threads
 * - graphc_model is read-only once compiled: one model may be used from any number of threads at
 *   once (query it, create sessions, run it with a session per thread).
 * - graphc_session and graphc_trainer are used by one thread at a time (they hold the run's
 *   memory and, for a trainer, the weights); use one session per thread.
 * - graphc_options is not changed by compiling: one may be shared once it is set up, but setting
 *   it is one thread at a time.
 * - The last error message is per thread.
 */

typedef enum graphc_status {
  GRAPHC_OK = 0,
  /* Failures of the compiler and runtime (mirror graphc's ErrorCode). */
  GRAPHC_STATUS_INVALID_ARGUMENT = 1, /* a bad option or value (e.g. a shape given for no input) */
  GRAPHC_STATUS_PARSE = 2,            /* malformed model text or protobuf */
  GRAPHC_STATUS_UNSUPPORTED = 3,      /* an op, attribute or dtype the compiler or backend does not handle */
  GRAPHC_STATUS_SHAPE = 4,            /* types or shapes that do not fit (bindings, verifier) */
  GRAPHC_STATUS_IO = 5,               /* a file that cannot be read or written */
  GRAPHC_STATUS_OUT_OF_MEMORY = 6,    /* an allocation failed, or a run would need more than the memory limit */
  GRAPHC_STATUS_INTERNAL = 7,         /* a bug in graphc */
  /* Misuse of the API, found before anything is changed. */
  GRAPHC_STATUS_NULL_ARGUMENT = 8,    /* a required pointer is NULL */
  GRAPHC_STATUS_WRONG_SIZE = 9,       /* a buffer's byte size is not its tensor's */
  GRAPHC_STATUS_WRONG_DTYPE = 10,     /* a buffer's dtype is not its tensor's */
  GRAPHC_STATUS_UNKNOWN_NAME = 11,    /* no input, output, param or backend of that name */
  GRAPHC_STATUS_WRONG_MODEL = 12,     /* a session of another model */
  GRAPHC_STATUS_OUT_OF_RANGE = 13,    /* an index, count, enum value or number out of its range */
  GRAPHC_STATUS_WRONG_COUNT = 14,     /* not as many buffers as the model has inputs or outputs */
  GRAPHC_STATUS_DUPLICATE_NAME = 15   /* the same name given twice in one call */
} graphc_status;

/* Element types, as in the textual IR. */
typedef enum graphc_dtype {
  GRAPHC_DTYPE_F32 = 0,
  GRAPHC_DTYPE_F64 = 1,
  GRAPHC_DTYPE_I32 = 2,
  GRAPHC_DTYPE_I64 = 3,
  GRAPHC_DTYPE_BOOL = 4, /* one byte per element, 0 or 1 */
  GRAPHC_DTYPE_BF16 = 5, /* the high half of an f32, as uint16_t bits */
  GRAPHC_DTYPE_F16 = 6,  /* IEEE binary16, as uint16_t bits */
  GRAPHC_DTYPE_I8 = 7,
  GRAPHC_DTYPE_U8 = 8,
  GRAPHC_DTYPE_I16 = 9,
  GRAPHC_DTYPE_U16 = 10
} graphc_dtype;

typedef enum graphc_loss {
  GRAPHC_LOSS_SOFTMAX_CROSS_ENTROPY = 0, /* output is logits; labels are i64 class indices [B] */
  GRAPHC_LOSS_CROSS_ENTROPY = 1,         /* output is probabilities; labels are i64 class indices [B] */
  GRAPHC_LOSS_MSE = 2                    /* labels are float targets of the output's type */
} graphc_loss;

typedef enum graphc_optimizer {
  GRAPHC_OPTIMIZER_SGD = 0,
  GRAPHC_OPTIMIZER_MOMENTUM = 1, /* momentum 0.9 */
  GRAPHC_OPTIMIZER_ADAM = 2      /* betas 0.9, 0.999, eps 1e-8 */
} graphc_optimizer;

/* The precision of the products (matmul, dense, convolution and their gradients). */
typedef enum graphc_precision {
  GRAPHC_PRECISION_F32 = 0,  /* the default */
  GRAPHC_PRECISION_BF16 = 1, /* bf16 operands, f32 accumulation: native on dnnl (AMX or AVX512-BF16; refused
                              * without either) and in llvm's matmul and dense (AVX512-BF16), emulated
                              * elsewhere: the rounding of bf16, none of its speed (docs/precision.md) */
  GRAPHC_PRECISION_AUTO = 2  /* bf16 for the products the backend multiplies natively on this CPU, f32 for the rest */
} graphc_precision;

typedef struct graphc_options graphc_options; /* how to compile: backend, threads, bindings */
typedef struct graphc_model graphc_model;     /* a compiled model, read-only, shared by threads */
typedef struct graphc_session graphc_session; /* one thread's memory for running a model */
typedef struct graphc_trainer graphc_trainer; /* a compiled training step with its weights */

/* An input, output or param of a compiled model. Pointers stay valid while the model (or
 * trainer) lives. Dims are row-major (C order); bytes = product(dims) * element size. */
typedef struct graphc_tensor_info {
  const char* name;
  graphc_dtype dtype;
  size_t rank;
  const int64_t* dims;
  size_t bytes;
} graphc_tensor_info;

/* Caller memory a run reads (an input) or writes (an output), used in place: never copied. The
 * name is read only by the functions that bind by name. */
typedef struct graphc_input {
  const char* name;
  graphc_dtype dtype;
  const void* data;
  size_t bytes;
} graphc_input;

typedef struct graphc_output {
  const char* name;
  graphc_dtype dtype;
  void* data;
  size_t bytes;
} graphc_output;

/* ---- Errors and version ---- */

/* The message of the calling thread's last failed call ("" if none). Valid until the thread's
 * next failing call. */
GRAPHC_API const char* graphc_last_error_message(void);
/* "ok", "invalid argument", ..., "duplicate name"; "unknown status" for other values. */
GRAPHC_API const char* graphc_status_name(graphc_status status);
/* The library's version (its SONAME carries the major). */
GRAPHC_API graphc_status graphc_get_version(int* major, int* minor, int* patch);

/* ---- Options ---- */

GRAPHC_API graphc_status graphc_options_create(graphc_options** out);
GRAPHC_API graphc_status graphc_options_free(graphc_options* options);
/* "ref" (the interpreter), "dnnl" (oneDNN; the default when built in) or "llvm" (the JIT). */
GRAPHC_API graphc_status graphc_options_set_backend(graphc_options* options, const char* backend);
/* Threads per run, 0 to 1024; 0 (the default): the runtime's default. */
GRAPHC_API graphc_status graphc_options_set_threads(graphc_options* options, int threads);
/* The memory limit in bytes: a model whose inputs, outputs and planned memory would need more is
 * refused with GRAPHC_STATUS_OUT_OF_MEMORY when it compiles, before anything is allocated.
 * 0 (the default): 3/4 of this machine's memory. */
GRAPHC_API graphc_status graphc_options_set_max_memory(graphc_options* options, uint64_t bytes);
/* The products' precision (graphc_precision). bf16 on dnnl fails to compile with
 * GRAPHC_STATUS_UNSUPPORTED. */
GRAPHC_API graphc_status graphc_options_set_precision(graphc_options* options, int precision);
/* Data-parallel training inside an MPI application (docs/distributed.md): a trainer created with
 * these options averages every step's gradients over the ranks of `comm`, an initialized MPI
 * communicator passed as MPI_Comm_c2f(comm) (so this header needs no mpi.h). Every rank creates
 * its trainer from the same model and calls graphc_trainer_step equally often, each on its own
 * shard of the global batch; the weights stay identical on every rank, and the loss a step
 * returns is this rank's. GRAPHC_STATUS_UNSUPPORTED when the library was built without MPI. */
GRAPHC_API graphc_status graphc_options_set_mpi_comm(graphc_options* options, int comm);
/* Binds a symbolic dimension by name, e.g. ("N", 4) for an input f32[N,784]. */
GRAPHC_API graphc_status graphc_options_bind_dim(graphc_options* options, const char* symbol, int64_t size);
/* Binds the whole shape of an input by name; it must agree with the model's fixed dimensions. */
GRAPHC_API graphc_status graphc_options_bind_shape(graphc_options* options, const char* input, const int64_t* dims,
                                                   size_t rank);

/* ---- Models ---- */

/* Compiles the model at path: ONNX when the name ends in .onnx, textual IR otherwise. options
 * may be NULL (defaults). */
GRAPHC_API graphc_status graphc_model_compile_file(const char* path, const graphc_options* options, graphc_model** out);
/* Compiles a model held in memory (read while compiling, not kept): ONNX when it starts like a
 * serialized ModelProto, textual IR otherwise. */
GRAPHC_API graphc_status graphc_model_compile_memory(const void* data, size_t size, const graphc_options* options,
                                                     graphc_model** out);
GRAPHC_API graphc_status graphc_model_free(graphc_model* model);

GRAPHC_API graphc_status graphc_model_num_inputs(const graphc_model* model, size_t* count);
GRAPHC_API graphc_status graphc_model_num_outputs(const graphc_model* model, size_t* count);
GRAPHC_API graphc_status graphc_model_input_info(const graphc_model* model, size_t index, graphc_tensor_info* info);
GRAPHC_API graphc_status graphc_model_output_info(const graphc_model* model, size_t index, graphc_tensor_info* info);
GRAPHC_API graphc_status graphc_model_find_input(const graphc_model* model, const char* name, size_t* index);
GRAPHC_API graphc_status graphc_model_find_output(const graphc_model* model, const char* name, size_t* index);

/* ---- Sessions and runs ---- */

/* A session holds one thread's memory (arena, scratch) for running `model`; it must not
 * outlive the model. */
GRAPHC_API graphc_status graphc_session_create(const graphc_model* model, graphc_session** out);
GRAPHC_API graphc_status graphc_session_free(graphc_session* session);

/* Runs once: inputs and outputs in the model's order (names ignored), each buffer of its
 * tensor's dtype and byte size. */
GRAPHC_API graphc_status graphc_run(const graphc_model* model, graphc_session* session, const graphc_input* inputs,
                                    size_t num_inputs, const graphc_output* outputs, size_t num_outputs);
/* Runs once with every input and output given by name, in any order. */
GRAPHC_API graphc_status graphc_run_named(const graphc_model* model, graphc_session* session, const graphc_input* inputs,
                                          size_t num_inputs, const graphc_output* outputs, size_t num_outputs);

/* ---- Training ---- */

/* Compiles the training step of a model with one input: the batch is the input's first
 * dimension as bound by the options. lr > 0. */
GRAPHC_API graphc_status graphc_trainer_create_file(const char* path, const graphc_options* options, graphc_loss loss,
                                                    graphc_optimizer optimizer, double lr, graphc_trainer** out);
GRAPHC_API graphc_status graphc_trainer_create_memory(const void* data, size_t size, const graphc_options* options,
                                                      graphc_loss loss, graphc_optimizer optimizer, double lr,
                                                      graphc_trainer** out);
GRAPHC_API graphc_status graphc_trainer_free(graphc_trainer* trainer);

/* What one step takes: the data batch and the labels (see graphc_loss). */
GRAPHC_API graphc_status graphc_trainer_data_info(const graphc_trainer* trainer, graphc_tensor_info* info);
GRAPHC_API graphc_status graphc_trainer_labels_info(const graphc_trainer* trainer, graphc_tensor_info* info);
/* One optimizer step on a batch; *loss gets the batch's loss before the update. */
GRAPHC_API graphc_status graphc_trainer_step(graphc_trainer* trainer, const graphc_input* data, const graphc_input* labels,
                                             double* loss);

/* The trained params (float weights), by index or name. */
GRAPHC_API graphc_status graphc_trainer_num_params(const graphc_trainer* trainer, size_t* count);
GRAPHC_API graphc_status graphc_trainer_param_info(const graphc_trainer* trainer, size_t index, graphc_tensor_info* info);
GRAPHC_API graphc_status graphc_trainer_read_param(const graphc_trainer* trainer, const char* name, graphc_dtype dtype,
                                                   void* data, size_t bytes);
GRAPHC_API graphc_status graphc_trainer_write_param(graphc_trainer* trainer, const char* name, graphc_dtype dtype,
                                                    const void* data, size_t bytes);
/* Writes the model with its current weights: ONNX when path ends in .onnx, textual IR
 * otherwise. The file is replaced atomically. */
GRAPHC_API graphc_status graphc_trainer_save(const graphc_trainer* trainer, const char* path);

#ifdef __cplusplus
}
#endif

#endif /* GRAPHC_GRAPHC_H */
