package dev.sluice.cache;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The word lists behind {@link QuestionGuard}: number words, dates, units, negations, antonyms,
 * common words and well-known names. Written for Sluice (English only); everything is lower case.
 */
final class QuestionLexicon {
    private QuestionLexicon() {}

    static final Map<String, Long> NUMBER_WORDS = map("""
            zero 0 one 1 two 2 three 3 four 4 five 5 six 6 seven 7 eight 8 nine 9 ten 10 eleven 11 twelve 12
            thirteen 13 fourteen 14 fifteen 15 sixteen 16 seventeen 17 eighteen 18 nineteen 19 twenty 20
            thirty 30 forty 40 fifty 50 sixty 60 seventy 70 eighty 80 ninety 90 dozen 12
            """);
    static final Map<String, Long> MULTIPLIERS = map("hundred 100 thousand 1000 million 1000000 billion 1000000000 trillion 1000000000000");
    static final Map<String, Long> ORDINALS = map("""
            first 1 second 2 third 3 fourth 4 fifth 5 sixth 6 seventh 7 eighth 8 ninth 9 tenth 10 eleventh 11
            twelfth 12 thirteenth 13 fifteenth 15 twentieth 20 thirtieth 30 fiftieth 50 hundredth 100
            once 1 twice 2 thrice 3
            """);
    /** Fractions keep their own value: "half" is not zero. */
    static final Map<String, String> FRACTIONS = Map.of("half", "0.5", "quarter", "0.25");
    /** After "which", "no", "each"... the word "one" is a pronoun, not a count. */
    static final Set<String> ONE_AS_PRONOUN_AFTER = Set.of("which", "no", "any", "every", "each", "this", "that", "the",
            "some", "another", "someone", "anyone", "everyone", "one", "a", "little", "only", "other", "right", "wrong",
            "best", "better", "new", "old");

    static final Set<String> MONTHS = Set.of("january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
            "sept", "oct", "nov", "dec");
    /** Month names that are also ordinary words count only when capitalised or beside a number. */
    static final Set<String> AMBIGUOUS_MONTHS = Set.of("may", "march", "jan", "mar", "jun", "jul", "aug", "sep", "oct",
            "nov", "dec", "sept");
    static final Set<String> DATE_WORDS = Set.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
            "sunday", "today", "tomorrow", "yesterday", "tonight", "weekend", "weekday", "morning", "afternoon",
            "evening", "night", "noon", "midnight", "spring", "summer", "autumn", "winter", "christmas",
            "easter", "halloween", "thanksgiving", "ramadan", "century", "decade", "bc", "bce");

    /** Unit words anywhere in a question, with their canonical name. */
    static final Map<String, String> UNITS = pairs("""
            kilometer km kilometers km kilometre km kilometres km km km kms km
            meter m meters m metre m metres m centimeter cm centimeters cm centimetre cm cm cm millimeter mm
            millimeters mm mm mm mile mile miles mile mi mile inch inch inches inch foot foot feet foot ft foot
            yard yard yards yard kilogram kg kilograms kg kilo kg kilos kg kg kg kgs kg gram g grams g
            milligram mg milligrams mg mg mg pound lb pounds lb lb lb lbs lb ounce oz ounces oz oz oz
            ton ton tons ton tonne ton tonnes ton stone stone
            liter l liters l litre l litres l milliliter ml milliliters ml millilitre ml ml ml gallon gal gallons gal
            gal gal quart qt quarts qt pint pint pints pint cup cup cups cup tablespoon tbsp tablespoons tbsp
            tbsp tbsp teaspoon tsp teaspoons tsp tsp tsp
            celsius c centigrade c fahrenheit f kelvin k degree deg degrees deg
            mph mph kph kph kmh kph knot knot knots knot
            watt w watts w kilowatt kw kilowatts kw kw kw kwh kwh volt v volts v amp amp amps amp ampere amp am am pm pm hertz hz
            hz hz khz khz mhz mhz ghz ghz
            byte byte bytes byte kb kb kilobyte kb kilobytes kb mb mb megabyte mb megabytes mb gb gb gigabyte gb
            gigabytes gb tb tb terabyte tb terabytes tb bit bit bits bit mbps mbps gbps gbps
            millisecond ms milliseconds ms ms ms second sec seconds sec sec sec secs sec minute min minutes min
            min min mins min hour hour hours hour hr hour hrs hour day day days day week week weeks week
            fortnight fortnight month month months month year year years year yr year yrs year
            percent pct percentage pct
            dollar usd dollars usd usd usd buck usd bucks usd euro eur euros eur eur eur gbp gbp sterling gbp
            yen jpy jpy jpy yuan cny cny cny rmb cny rupee inr rupees inr inr inr peso peso pesos peso
            franc chf francs chf chf chf cad cad aud aud bitcoin btc btc btc bitcoins btc ether eth eth eth
            calorie kcal calories kcal kcal kcal cal kcal joule j joules j newton n newtons n psi psi pascal pa
            bar bar acre acre acres acre hectare ha hectares ha sqft sqft
            """);
    /** Short unit names that are also ordinary words or letters: units only right after a number. */
    static final Set<String> UNITS_AFTER_NUMBER_ONLY = Set.of("m", "g", "l", "c", "f", "k", "in", "am", "pm", "v", "w", "j",
            "n", "pa", "bar", "ton", "stone", "cup", "cups", "mi", "ft", "cal", "gal", "qt", "pint", "pints", "knot",
            "knots", "min", "sec", "hr", "yr", "amp", "amps", "degree", "degrees", "deg", "ms", "ha", "eth", "ether",
            "peso", "pesos", "franc", "francs", "buck", "bucks", "bit", "bits", "pound", "pounds");
    static final Map<Character, String> CURRENCY_SYMBOLS = Map.of('$', "usd", '€', "eur", '£', "gbp", '¥', "jpy",
            '₹', "inr", '%', "pct", '°', "deg");

    static final Set<String> NEGATIONS = Set.of("not", "no", "never", "none", "nobody", "nothing", "nowhere", "neither",
            "nor", "without", "cannot", "cant", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent",
            "wont", "wouldnt", "shouldnt", "couldnt", "hasnt", "havent", "hadnt", "mustnt", "neednt", "aint");

    /** Math operators, as symbols or words. */
    static final Map<String, String> OPERATORS = pairs("""
            + plus plus plus add plus added plus sum plus
            - minus minus minus subtract minus subtracted minus
            * times times times multiply times multiplied times product times x times
            / divide divide divide divided divide quotient divide
            ^ power power power squared square square square cubed cube cube cube root root sqrt root
            = equal equals equal equal equal < less > more
            """);

    /** Words with opposite meaning: a question with one and a question with the other are different questions. */
    static final Map<String, Set<String>> ANTONYMS = antonyms("""
            good bad; best worst; better worse; advantage disadvantage; pro con; benefit drawback; benefit risk;
            increase decrease; increase reduce; raise lower; rise fall; up down; high low; higher lower; highest lowest;
            hot cold; warm cool; big small; large small; larger smaller; largest smallest; bigger smaller; biggest smallest;
            long short; longer shorter; longest shortest; tall short; taller shorter; tallest shortest; fast slow;
            faster slower; fastest slowest; quick slow; early late; earlier later; before after; buy sell; bought sold;
            import export; input output; encrypt decrypt; encryption decryption; encode decode; compress decompress;
            zip unzip; upload download; enable disable; add remove; add delete; insert delete; plus minus;
            multiply divide; open close; start stop; start end; begin end; beginning end; first last; next last;
            next previous; min max; minimum maximum; maximize minimize; more less; more fewer; most least; cheap expensive;
            cheaper pricier; cheapest priciest; strong weak; stronger weaker; strongest weakest; safe dangerous;
            safe unsafe; safer riskier; true false; right wrong; correct incorrect; left right; north south;
            east west; push pull; win lose; won lost; gain lose; gain loss; profit loss; positive negative;
            accept reject; allow deny; allow block; include exclude; inside outside; internal external; above below;
            over under; heavy light; dark light; rich poor; young old; new old; newer older; newest oldest;
            easy hard; easy difficult; easier harder; easiest hardest; simple complex; love hate; like dislike;
            agree disagree; happy sad; husband wife; male female; man woman; men women; boy girl; mother father;
            mom dad; son daughter; brother sister; king queen; day night; morning evening; summer winter;
            sunrise sunset; ascending descending; asc desc; sync async; synchronous asynchronous; uppercase lowercase;
            upper lower; horizontal vertical; horizontally vertically; row column; wet dry; full empty; hard soft;
            send receive; sender receiver; borrow lend; teach learn; teacher student; parent child; predecessor successor;
            past future; ancient modern; rural urban; domestic international; public private; static dynamic;
            mutable immutable; lazy eager; optimistic pessimistic; inhale exhale; arrive depart; arrival departure;
            deposit withdraw; credit debit; asset liability; bull bear; bullish bearish; join leave; hire fire;
            employer employee; winner loser; attack defend; offense defense; overestimate underestimate;
            overweight underweight; plural singular; odd even; serial parallel; concave convex; acid base;
            acidic alkaline; freeze melt; boil freeze; always never; always sometimes; everything nothing; all none;
            many few; often rarely; sweet sour; sweet bitter; cause cure; cause prevent; prevent cause;
            allowed forbidden; legal illegal; legal banned; healthy unhealthy; natural artificial; organic synthetic;
            renewable nonrenewable; import export; inbound outbound; incoming outgoing; inflation deflation;
            expand collapse; expand shrink; grow shrink; appreciate depreciate; ascend descend; climb descend;
            forward backward; forwards backwards; front back; top bottom; head tail;
            client server; frontend backend; host guest; debit credit; lock unlock; mount unmount;
            install uninstall; subscribe unsubscribe; follow unfollow; block unblock; pause resume; show hide;
            visible hidden; online offline; connect disconnect; login logout; signin signout; include omit;
            enter exit; entry exit; push pop; enqueue dequeue; head tail; prefix suffix; minimal maximal;
            vegetarian carnivore; herbivore carnivore; predator prey; animal plant; liquid solid; liquid gas;
            solid gas; boiling freezing; fresh frozen; raw cooked; positive neutral; negative neutral;
            on off; introvert extrovert; spend save; save delete; buy rent;
            rent own; lease buy; landlord tenant
            """);

    /** Words that may start a sentence without being a name. */
    static final Set<String> COMMON = words(("what whats how hows why when where wheres which who whos whom whose is are "
            + "was were do does did can could should would will shall may might must have has had i im my me we our "
            + "you your it its this that these those there the a an in on at for to from of with by about if and or but "
            + "so please explain describe tell give list name show write compare summarize summarise translate convert "
            + "calculate define find help make create generate suggest recommend provide any some best top quick hi "
            + "hello hey thanks thank ok okay yes no not difference ways way tips steps let lets say get set use using am "
            + "be after before during since until while as than then also just only every each all most many much more "
            + "less few other another such same different good bad new old first last next again still even really "
            + "very too quite here now today tomorrow yesterday is isnt are arent does doesnt do dont can cant in "
            + "should whats wheres whos hows whens why whys which whose could would any anyone someone everyone "
            + "imagine pretend assume consider suppose recommend rank rate rewrite fix debug solve answer check "
            + "tell teach outline draft plan review improve shorten expand simplify clarify translate correct").split(" "));

    /** Well-known names that count as named entities even when typed in lower case. */
    static final Set<String> NAMES = words(("afghanistan albania algeria argentina armenia australia austria "
            + "bangladesh belgium bolivia brazil bulgaria cambodia cameroon canada chile china colombia croatia cuba "
            + "czechia denmark ecuador egypt england estonia ethiopia finland france georgia germany ghana greece "
            + "hungary iceland india indonesia iran iraq ireland israel italy jamaica japan jordan kazakhstan kenya "
            + "korea latvia lebanon libya lithuania luxembourg madagascar malaysia mexico mongolia morocco nepal "
            + "netherlands holland nigeria norway pakistan peru philippines poland portugal qatar romania russia "
            + "scotland serbia singapore slovakia slovenia somalia spain sudan sweden switzerland syria taiwan "
            + "thailand tunisia turkey uganda ukraine uruguay venezuela vietnam wales yemen zambia zimbabwe "
            + "america usa uk uae europe asia africa antarctica australia oceania arctic atlantic pacific "
            + "london paris berlin madrid rome tokyo beijing shanghai moscow delhi mumbai bangalore sydney melbourne "
            + "toronto vancouver montreal chicago boston seattle dallas houston miami atlanta denver phoenix "
            + "philadelphia detroit portland austin nyc la sf amsterdam brussels vienna prague warsaw budapest "
            + "lisbon dublin edinburgh stockholm oslo copenhagen helsinki athens istanbul cairo dubai singapore "
            + "seoul bangkok jakarta manila hanoi lagos nairobi johannesburg capetown rio lima bogota santiago "
            + "california texas florida york jersey ohio michigan washington oregon nevada arizona colorado utah "
            + "alaska hawaii virginia carolina georgia massachusetts pennsylvania illinois "
            + "english french spanish german italian portuguese chinese mandarin cantonese japanese korean russian "
            + "arabic hindi bengali urdu turkish dutch swedish polish greek hebrew latin swahili vietnamese thai "
            + "python java javascript typescript kotlin rust ruby php perl scala haskell golang swift csharp cpp "
            + "sql mysql postgres postgresql sqlite mongodb redis kafka docker kubernetes linux ubuntu debian "
            + "windows macos ios android aws azure gcp react angular vue svelte django flask rails node "
            + "nodejs deno excel git github gitlab jenkins terraform ansible nginx apache tomcat graphql json xml "
            + "yaml html css bash powershell zsh vim emacs vscode intellij eclipse chrome firefox safari "
            + "google microsoft amazon tesla netflix facebook instagram whatsapp twitter openai anthropic nvidia "
            + "intel amd ibm oracle samsung sony toyota honda ford bmw mercedes audi volkswagen boeing airbus "
            + "uber airbnb spotify youtube tiktok linkedin reddit wikipedia bitcoin ethereum "
            + "mercury venus earth mars jupiter saturn uranus neptune pluto moon sun "
            + "einstein newton darwin shakespeare napoleon lincoln gandhi mozart beethoven picasso tolkien "
            + "iphone ipad macbook playstation xbox nintendo").split(" "));

    /** A set of the words of a space-separated list (repeats are fine). */
    static Set<String> words(String[] words) {
        return Set.copyOf(java.util.Arrays.asList(words));
    }

    private static Map<String, Long> map(String text) {
        Map<String, Long> out = new HashMap<>();
        String[] parts = text.strip().split("\\s+");
        for (int i = 0; i + 1 < parts.length; i += 2) {
            out.put(parts[i], Long.parseLong(parts[i + 1]));
        }
        return Map.copyOf(out);
    }

    private static Map<String, String> pairs(String text) {
        Map<String, String> out = new HashMap<>();
        String[] parts = text.strip().split("\\s+");
        for (int i = 0; i + 1 < parts.length; i += 2) {
            out.put(parts[i].toLowerCase(Locale.ROOT), parts[i + 1]);
        }
        return Map.copyOf(out);
    }

    private static Map<String, Set<String>> antonyms(String text) {
        Map<String, java.util.HashSet<String>> out = new HashMap<>();
        for (String pair : text.split(";")) {
            String[] words = pair.strip().split("\\s+");
            if (words.length != 2) {
                continue;
            }
            out.computeIfAbsent(words[0], k -> new java.util.HashSet<>()).add(words[1]);
            out.computeIfAbsent(words[1], k -> new java.util.HashSet<>()).add(words[0]);
        }
        Map<String, Set<String>> frozen = new HashMap<>();
        out.forEach((k, v) -> frozen.put(k, Set.copyOf(v)));
        return Map.copyOf(frozen);
    }
}
