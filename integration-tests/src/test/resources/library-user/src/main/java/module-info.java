// A user's module: it reads io.ringside, and sees only the packages io.ringside exports.
module com.example.shout {
    requires io.ringside;
}
